#!/usr/bin/env bash
# Installs what capbu needs on a Debian machine and builds it. Sourced by demo.sh and test.sh;
# every step checks first, so running it again changes nothing.
#   capbu_setup PACKAGE...   Debian packages to have, then npm ci (when the lock changed) and build
set -euo pipefail

CAPBU_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

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
      echo "capbu: installing ${missing}" >&2
      apt-get update -qq
      # One word per package: the list is meant to split.
      # shellcheck disable=SC2086
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ${missing} >/dev/null
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
    npm ci --no-fund --no-audit --loglevel=error
    echo "$lock_hash" > "$stamp"
  fi
  npm run --silent build
}
