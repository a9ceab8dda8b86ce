#!/usr/bin/env bash
# Where an installation lives, shared by install.sh and uninstall.sh. Sourced.
#   capbu_layout FIELD   FIELD=1: this user's (~/.local); 0: the store machine's (root needed
#                        unless DESTDIR is set). Sets root, prefix, bin_dir, data and manifest.
capbu_layout() {
  root="${DESTDIR:-}"
  if [ "$1" -eq 1 ]; then
    local home_dir="${HOME:?HOME must be set}"
    prefix="$home_dir/.local/lib/capbu"
    bin_dir="$home_dir/.local/bin"
    data="$home_dir/.local/share/capbu"
  else
    if [ -z "$root" ] && [ "$(id -u)" -ne 0 ]; then
      echo "capbu: run as root (sudo), or add --field-laptop for this user's installation" >&2
      exit 1
    fi
    prefix=/opt/capbu
    bin_dir=/usr/local/bin
    data=/var/lib/capbu
  fi
  manifest="$root$prefix/share/install-manifest"
  export root prefix bin_dir data manifest
}
