#!/usr/bin/env bash
# The README's first command: set up capbu, make a demo world in .demo/ (a demo PKI, ten customers'
# SoftHSM2 tokens, a registry, a central service on loopback with this kiosk enrolled in it) and
# run the kiosk app on it, full-screen. Without a terminal (a script, CI), it plugs the first demo
# customer's token, checks it and pulls it out again.
set -euo pipefail
# shellcheck source=setup.sh
. "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
capbu_setup softhsm2 opensc
cd "$CAPBU_ROOT"
[ -f .demo/world.json ] || echo "capbu: making the demo world in .demo/ (keys for ten tokens: about a minute)" >&2
node dist/cli/bin.js demo .demo
# shellcheck source=/dev/null
. .demo/env.sh
if [ -t 0 ] && [ -t 1 ]; then
  exec node dist/cli/bin.js kiosk --demo --dir .demo "$@"
fi
node dist/cli/bin.js demo plug DN-HAI-DANG
set +e
node dist/cli/bin.js check --token DN-HAI-DANG
status=$?
node dist/cli/bin.js demo pull DN-HAI-DANG
[ "$status" -le 1 ] && status=0
exit "$status"
