#!/bin/sh
# The one build command: the native syscall addon and the TypeScript sources.
# Skips work that is already up to date, so a second run is fast.
set -eu
cd "$(dirname "$0")/.."
mkdir -p dist/native
stale=no
[ -f dist/native/berth_sys.node ] || stale=yes
for f in native/*.c native/*.h; do [ "$f" -nt dist/native/berth_sys.node ] && stale=yes; done
if [ $stale = yes ]; then
  cc -shared -fPIC -O2 -Wall -Werror -I/usr/include/node native/*.c -o dist/native/berth_sys.node.tmp
  mv dist/native/berth_sys.node.tmp dist/native/berth_sys.node
fi
./node_modules/.bin/tsc -p tsconfig.json --incremental --tsBuildInfoFile dist/.tsbuildinfo
# The CLI as one file: no module resolution at start-up.
./node_modules/.bin/esbuild dist/src/cli/main.js --bundle --platform=node --format=cjs --target=node20 \
  --log-level=warning --outfile=dist/berth-cli.cjs
# bin/berth keeps a V8 code cache of the bundle next to it; a new bundle makes a new one.
rm -f dist/.berth-cli-*.v8cache
