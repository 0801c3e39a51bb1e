#!/bin/sh
# Install what berth needs on Debian 12, idempotently: apt packages only when
# missing, npm dependencies only when package-lock.json changed.
set -eu
cd "$(dirname "$0")/.."

APT_PACKAGES="runc conmon containernetworking-plugins iptables busybox-static tini xz-utils bzip2 zstd gcc libc6-dev"
[ -n "${BERTH_EXTRA_APT:-}" ] && APT_PACKAGES="$APT_PACKAGES $BERTH_EXTRA_APT"

missing=""
for p in $APT_PACKAGES; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  echo "berth setup: installing apt packages:$missing"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # shellcheck disable=SC2086
  apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

stamp=node_modules/.berth-lock-hash
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "berth setup: installing npm dependencies"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$want" > "$stamp"
fi
