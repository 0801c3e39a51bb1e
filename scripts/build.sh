#!/bin/sh
# The one build command: TypeScript to dist/, plus the small native addon.
set -eu
cd "$(dirname "$0")/.."
mkdir -p dist/native
if [ ! -f dist/native/berth_sys.node ] || [ native/berth_sys.c -nt dist/native/berth_sys.node ]; then
  cc -shared -fPIC -O2 -Wall -Werror -I/usr/include/node native/berth_sys.c -o dist/native/berth_sys.node.tmp
  mv dist/native/berth_sys.node.tmp dist/native/berth_sys.node
fi
npx tsc -p tsconfig.json
