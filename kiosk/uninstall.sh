#!/usr/bin/env bash
# Removes what kiosk/install.sh added, as its manifest lists, and nothing else. The kiosk's data
# (the store, the credential, settings) stays unless --purge is given.
#
#   sudo bash kiosk/uninstall.sh [--purge]                store machine
#   bash kiosk/uninstall.sh --field-laptop [--purge]      this user's installation
#   DESTDIR=/tmp/root ...                                 a throw-away root (no systemctl, no userdel)
set -euo pipefail

field=0
purge=0
for arg in "$@"; do
  case "$arg" in
    --field-laptop) field=1 ;;
    --purge) purge=1 ;;
    *) echo "usage: uninstall.sh [--field-laptop] [--purge]" >&2; exit 2 ;;
  esac
done

# shellcheck source=layout.sh
. "$(dirname "${BASH_SOURCE[0]}")/layout.sh"
capbu_layout "$field"
if [ ! -f "$manifest" ]; then
  echo "capbu: no installation found ($manifest)" >&2
  exit 1
fi
entries="$(cat "$manifest")"

if [ "$field" -eq 0 ] && [ -z "$root" ]; then
  systemctl disable --now --quiet capbu-kiosk.service capbu-sync.service 2>/dev/null || true
fi

while read -r kind path; do
  case "$kind" in
    file) rm -f "$root$path" ;;
    tree) rm -rf "$root$path" ;;
  esac
done <<< "$entries"

if [ "$purge" -eq 1 ]; then
  rm -rf "$root$data"
elif [ -d "$root$data" ]; then
  # The data stays: so does a note of the directories install made for it, for the next install.
  printf '%s\n' "$entries" | awk -v d="$data" '$1 == "dir" && index(d "/", $2 "/") == 1' > "$root$data/.install-dirs"
fi

# Directories install made, deepest first, where nothing else has been put in them since.
while read -r kind path; do
  [ "$kind" = dir ] || continue
  [ "$purge" -eq 0 ] && case "$data/" in "$path"/*) continue ;; esac
  rmdir "$root$path" 2>/dev/null || true
done < <(printf '%s\n' "$entries" | tac)

if [ -z "$root" ] && [ "$field" -eq 0 ]; then
  systemctl daemon-reload
  udevadm control --reload-rules 2>/dev/null || true
  if grep -qx "user capbu" <<< "$entries"; then
    userdel capbu
  fi
fi

if [ "$purge" -eq 1 ]; then echo "capbu removed, with its data."; else echo "capbu removed; its data stays in $root$data (--purge removes it)."; fi
