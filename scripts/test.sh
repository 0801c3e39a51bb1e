#!/bin/sh
# Quick start, step 2: run every test. Installs what the tests need first
# (idempotent), builds, then runs unit tests and end-to-end tests against real
# daemons, runc and conmon. The last line reports passed and failed counts.
set -eu
cd "$(dirname "$0")/.."
[ "$(id -u)" = 0 ] || { echo "the tests need root (containers, mounts, cgroups)" >&2; exit 1; }
BERTH_EXTRA_APT="docker.io python3-docker docker-compose docker-registry skopeo apache2-utils openssl" sh scripts/install-deps.sh
sh scripts/build.sh
sh scripts/make-busybox-image.sh build/busybox.tar

results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT
status=0
run_suite() {
  name=$1; shift
  echo "== $name tests"
  node --test --test-reporter=spec --test-reporter-destination=stdout \
       --test-reporter=tap --test-reporter-destination="$results/$name.tap" "$@" || status=1
}
run_suite unit --test-concurrency=2 $(find dist/src -name '*.test.js' | sort)
run_suite e2e --test-concurrency=1 $(find dist/test/e2e -name '*.test.js' | sort)

pass=$(cat "$results"/*.tap | sed -n 's/^# pass //p' | awk '{s+=$1} END {print s+0}')
fail=$(cat "$results"/*.tap | sed -n 's/^# fail //p' | awk '{s+=$1} END {print s+0}')
[ "$fail" = 0 ] || status=1
echo "berth tests: $pass passed, $fail failed"
exit $status
