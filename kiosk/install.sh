#!/usr/bin/env bash
# Installs capbu on a store machine or field laptop from this checkout: system packages (OpenSC
# and the PC/SC daemon for real tokens), Node modules, the build, and a `capbu` command on the
# PATH. Run as root; running it again changes nothing.
#   CAPBU_BIN_DIR   where the `capbu` command goes (default /usr/local/bin)
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
capbu_setup opensc pcscd softhsm2
bin_dir="${CAPBU_BIN_DIR:-/usr/local/bin}"
mkdir -p "$bin_dir"
target="$bin_dir/capbu"
wrapper="#!/bin/sh
exec node '$CAPBU_ROOT/dist/cli/bin.js' \"\$@\""
if [ ! -f "$target" ] || [ "$(cat "$target")" != "$wrapper" ]; then
  printf '%s\n' "$wrapper" > "$target"
  chmod 755 "$target"
fi
echo "capbu installed: $target"
echo "Next: point capbu at the token vendor's PKCS#11 library (CAPBU_PKCS11_MODULE or --module),"
echo "put the campaign file in place (CAPBU_CAMPAIGN or --campaign), then: capbu enroll --server URL --code CODE"
