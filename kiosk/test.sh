#!/usr/bin/env bash
# The README's second command: every test, on this machine's Node and again on Node 24.
set -euo pipefail
# shellcheck source=setup.sh
. "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
capbu_setup softhsm2 opensc gcc libc6-dev libp11-kit-dev postgresql openssl tmux shellcheck ca-certificates chromium
cd "$CAPBU_ROOT"
mkdir -p .cache/results
rm -f .cache/results/*.json

status=0
# Most tests wait on processes they start (the CLI, the centre, tmux, PostgreSQL), so two files at
# a time keep 2 cores busy where vitest's default (cores - 1) would run them one by one.
workers="${CAPBU_TEST_WORKERS:-2}"
# This run is shuffled (the files and the tests in each), so a test that leans on another having
# run first fails here; the seed is printed so a failure can be replayed with CAPBU_TEST_SEED.
seed="${CAPBU_TEST_SEED:-$RANDOM}"
echo "== tests on Node $(node --version), in shuffled order (seed $seed)"
npx vitest run --maxWorkers="$workers" --sequence.shuffle --sequence.seed="$seed" --reporter=default --reporter=json --outputFile.json=.cache/results/node-main.json || status=1

if [ "${CAPBU_SKIP_NODE24:-}" != "1" ]; then
  echo "capbu: preparing Node 24 and rebuilding the native modules for it (first time: 1 to 2 minutes)…" >&2
  tree=$(bash kiosk/node24.sh)
  node24="$CAPBU_ROOT/.cache/node24/bin/node"
  echo "== tests on Node $("$node24" --version)"
  (cd "$tree" && PATH="$(dirname "$node24"):$PATH" "$node24" node_modules/vitest/vitest.mjs run --maxWorkers="$workers" \
    --reporter=default --reporter=json --outputFile.json="$CAPBU_ROOT/.cache/results/node-24.json") || status=1
fi

echo "== the Node $(node --version) run was shuffled with seed $seed (replay: CAPBU_TEST_SEED=$seed bash kiosk/test.sh)"
node kiosk/summary.mjs .cache/results/*.json || status=1
exit "$status"
