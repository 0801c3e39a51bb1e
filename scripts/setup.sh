#!/bin/sh
# Quick start, step 1: install everything berth needs, build it, put `berth` on
# PATH, make a busybox base image from Debian's busybox-static and run a container.
# Idempotent: a second run only re-checks.
set -eu
cd "$(dirname "$0")/.."
sh scripts/install-deps.sh
sh scripts/build.sh
ln -sf "$PWD/bin/berth" /usr/local/bin/berth
mkdir -p build
sh scripts/make-busybox-image.sh build/busybox.tar
# The first berth command starts the daemon when none answers, and says so on stderr.
berth version >/dev/null
if ! berth image inspect busybox >/dev/null 2>&1; then
  berth import build/busybox.tar busybox >/dev/null
fi
berth run --rm busybox echo hello from berth
