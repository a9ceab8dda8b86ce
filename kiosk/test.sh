#!/usr/bin/env bash
# The README's second command: every test, on this machine's Node and again on Node 24.
set -euo pipefail
# shellcheck source=setup.sh
. "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
capbu_setup softhsm2 opensc gcc libc6-dev libp11-kit-dev postgresql openssl tmux shellcheck ca-certificates
cd "$CAPBU_ROOT"
mkdir -p .cache/results
rm -f .cache/results/*.json

status=0
echo "== tests on Node $(node --version) (the whole suite: several minutes; each file reports as it finishes)"
npx vitest run --reporter=default --reporter=json --outputFile.json=.cache/results/node-main.json || status=1

if [ "${CAPBU_SKIP_NODE24:-}" != "1" ]; then
  echo "capbu: preparing Node 24 and rebuilding the native modules for it (first time: 1 to 2 minutes)…" >&2
  tree=$(bash kiosk/node24.sh)
  node24="$CAPBU_ROOT/.cache/node24/bin/node"
  echo "== tests on Node $("$node24" --version)"
  (cd "$tree" && PATH="$(dirname "$node24"):$PATH" "$node24" node_modules/vitest/vitest.mjs run \
    --reporter=default --reporter=json --outputFile.json="$CAPBU_ROOT/.cache/results/node-24.json") || status=1
fi

node kiosk/summary.mjs .cache/results/*.json || status=1
exit "$status"
