#!/usr/bin/env bash
# Installs what capbu needs on a Debian machine and builds it. Sourced by demo.sh and test.sh;
# every step checks first, so running it again changes nothing.
#   capbu_setup PACKAGE...   Debian packages to have, then npm ci (when the lock changed) and build
set -euo pipefail

CAPBU_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# A long step says what it is and how long it usually takes before it starts, and how long it
# took after: npm and the compilers print nothing for minutes.
#   capbu_step "what" "how long, roughly" command...
capbu_step() {
  local what=$1 expected=$2 started=$SECONDS
  shift 2
  echo "capbu: ${what} (usually ${expected})…" >&2
  "$@"
  echo "capbu: ${what}: done in $((SECONDS - started)) s" >&2
}

capbu_missing_packages() {
  local p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || echo "$p"
  done
}

capbu_setup() {
  local missing
  missing=$(capbu_missing_packages "$@" | tr '\n' ' ')
  if [ -n "${missing// /}" ]; then
    if [ "$(id -u)" -eq 0 ]; then
      capbu_step "updating the Debian package lists" "10 s" apt-get update -qq
      # One word per package: the list is meant to split.
      # shellcheck disable=SC2086
      capbu_step "installing ${missing% }" "10 s to a few minutes" \
        env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ${missing} >/dev/null
    else
      echo "capbu: missing Debian packages. Run:" >&2
      echo "  sudo apt-get update && sudo apt-get install -y ${missing}" >&2
      exit 1
    fi
  fi
  if ! command -v node >/dev/null || [ "$(node -p 'process.versions.node.split(".")[0]')" -lt 20 ]; then
    echo "capbu: Node.js 20 or newer is required (https://nodejs.org or the distribution's nodejs package)" >&2
    exit 1
  fi
  cd "$CAPBU_ROOT"
  local lock_hash stamp=node_modules/.capbu-lock-hash
  lock_hash=$(sha256sum package-lock.json | cut -d' ' -f1)
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$lock_hash" ]; then
    # better-sqlite3 and pkcs11js compile from source here (no prebuilt download): most of the time.
    capbu_step "installing the npm packages and compiling the native ones" "1 to 2 minutes" \
      npm ci --no-fund --no-audit --loglevel=error
    echo "$lock_hash" > "$stamp"
  fi
  # Built already from these very sources (a second run of demo.sh or test.sh): nothing to do.
  local built=dist/.capbu-built
  if [ -f "$built" ] && [ -z "$(find src tsconfig.json rolldown.config.mjs package.json package-lock.json -newer "$built" -print -quit)" ]; then
    return 0
  fi
  capbu_step "building capbu (TypeScript)" "30 s to 2 minutes" npm run --silent build
  touch "$built"
}
