#!/usr/bin/env bash
# Installs capbu on a store machine (as root) or, with --field-laptop, for the current user only.
# Running it again changes nothing. Everything it adds is listed in a manifest that
# kiosk/uninstall.sh reads, so uninstalling removes exactly that.
#
#   sudo bash kiosk/install.sh           store machine: packages, /opt/capbu, `capbu` user, udev
#                                        rules, systemd units (kiosk on tty1, sync)
#   bash kiosk/install.sh --field-laptop this user: ~/.local/lib/capbu, ~/.local/bin/capbu and a
#                                        desktop launcher that opens the kiosk in a terminal
#   DESTDIR=/tmp/root ...                into a throw-away root (packages, user and systemctl skipped)
set -euo pipefail

field=0
case "${1:-}" in
  --field-laptop) field=1 ;;
  "") ;;
  *) echo "usage: install.sh [--field-laptop]" >&2; exit 2 ;;
esac

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
packages=(pcscd opensc opensc-pkcs11 libccid libusb-1.0-0 udev)
# shellcheck source=layout.sh
. "$here/layout.sh"
capbu_layout "$field"
home_dir="${HOME:-}"

# The app is built in this checkout first (npm ci when the lock changed, then the build).
if [ -z "$root" ]; then
  # shellcheck source=setup.sh
  . "$here/setup.sh"
  if [ "$field" -eq 1 ]; then
    missing=$(capbu_missing_packages "${packages[@]}" | tr '\n' ' ')
    if [ -n "${missing// /}" ]; then
      echo "capbu: the token drivers need system packages. Ask for: sudo apt-get install -y $missing" >&2
      exit 1
    fi
    capbu_setup
  else
    capbu_setup "${packages[@]}"
  fi
else
  CAPBU_ROOT="$(cd "$here/.." && pwd)"
  [ -f "$CAPBU_ROOT/dist/cli/bin.js" ] || { echo "capbu: build first (npm ci && npm run build)" >&2; exit 1; }
fi

declare -a added=()

# mkd DIR: makes DIR and its missing parents, remembering each one it made.
mkd() {
  local dir="$1" missing=()
  while [ ! -d "$dir" ]; do
    missing=("$dir" "${missing[@]}")
    dir="$(dirname "$dir")"
  done
  local d
  for d in "${missing[@]}"; do
    mkdir -m 755 "$d"
    added+=("dir ${d#"$root"}")
  done
}

# put MODE PATH: writes standard input to PATH when its content or mode differ.
put() {
  local mode="$1" path="$root$2" content
  content="$(cat)"
  mkd "$(dirname "$path")"
  if [ ! -f "$path" ] || [ "$(cat "$path")" != "$content" ]; then
    printf '%s\n' "$content" > "$path"
  fi
  chmod "$mode" "$path"
  added+=("file $2")
}

# The app: the build and its production dependencies, under a fixed prefix.
mkd "$root$prefix"
# The whole build and the dependencies: an update that changes any built file replaces the app.
app_stamp="$(cd "$CAPBU_ROOT" && { sha256sum package.json package-lock.json; find dist -type f -print0 | sort -z | xargs -0 sha256sum; } | sha256sum | cut -d' ' -f1)"
if [ ! -f "$root$prefix/share/app-stamp" ] || [ "$(cat "$root$prefix/share/app-stamp")" != "$app_stamp" ]; then
  rm -rf "$root$prefix/app.new"
  mkdir -p "$root$prefix/app.new"
  cp -a "$CAPBU_ROOT/dist" "$CAPBU_ROOT/package.json" "$CAPBU_ROOT/package-lock.json" "$CAPBU_ROOT/README.md" "$CAPBU_ROOT/node_modules" "$root$prefix/app.new/"
  (cd "$root$prefix/app.new" && npm prune --omit=dev --no-audit --no-fund --loglevel=error >/dev/null)
  rm -rf "$root$prefix/app"
  mv "$root$prefix/app.new" "$root$prefix/app"
  mkdir -p "$root$prefix/share"
  printf '%s\n' "$app_stamp" > "$root$prefix/share/app-stamp"
fi
added+=("tree $prefix")

if [ "$field" -eq 1 ]; then
  put 755 "$bin_dir/capbu" <<WRAP
#!/bin/sh
exec node '$prefix/app/dist/cli/bin.js' "\$@"
WRAP
  put 644 "$home_dir/.local/share/applications/capbu.desktop" <<DESKTOP
[Desktop Entry]
Type=Application
Name=capbu
Comment=Cấp bù chứng thư số trên USB token
Exec=$bin_dir/capbu kiosk
Terminal=true
Categories=Office;
DESKTOP
else
  put 644 /etc/capbu/capbu.env <<'ENV'
# capbu's environment for the kiosk user, its units and the capbu command.
CAPBU_HOME=/var/lib/capbu
CAPBU_CAMPAIGN=/etc/capbu/campaign.json
ENV
  put 755 "$bin_dir/capbu" <<WRAP
#!/bin/sh
# Reads /etc/capbu/capbu.env unless the caller set its own values.
if [ -r /etc/capbu/capbu.env ]; then
  : "\${CAPBU_HOME:=\$(sed -n 's/^CAPBU_HOME=//p' /etc/capbu/capbu.env)}"
  : "\${CAPBU_CAMPAIGN:=\$(sed -n 's/^CAPBU_CAMPAIGN=//p' /etc/capbu/capbu.env)}"
  export CAPBU_HOME CAPBU_CAMPAIGN
fi
exec node '$prefix/app/dist/cli/bin.js' "\$@"
WRAP
  rules="$(node "$here/udev-rules.mjs")"
  put 644 /etc/udev/rules.d/70-capbu-tokens.rules <<< "$rules"
  put 644 /etc/systemd/system/capbu-kiosk.service < "$here/systemd/capbu-kiosk.service"
  put 644 /etc/systemd/system/capbu-sync.service < "$here/systemd/capbu-sync.service"
  # The data directory: the kiosk user's alone. Kept by uninstall unless --purge.
  # An earlier uninstall kept it, with a note of the directories install had made around it.
  kept="$root$data/.install-dirs"
  if [ -f "$kept" ]; then
    mapfile -t -O "${#added[@]}" added < "$kept"
    rm -f "$kept"
  fi
  [ -d "$root$data" ] || mkd "$root$data"
  chmod 700 "$root$data"
  if [ -z "$root" ]; then
    if ! id capbu >/dev/null 2>&1; then
      useradd --system --user-group --home-dir /var/lib/capbu --no-create-home --shell /usr/sbin/nologin capbu
      added+=("user capbu")
    elif grep -qx "user capbu" "$manifest" 2>/dev/null; then
      added+=("user capbu")
    fi
    # All of it: data kept by an uninstall belongs to the capbu user of then, whose id may differ.
    chown -R capbu:capbu /var/lib/capbu
    udevadm control --reload-rules 2>/dev/null || true
    systemctl daemon-reload
    systemctl enable --quiet pcscd.socket capbu-sync.service capbu-kiosk.service
  fi
fi

# The manifest: what uninstall.sh removes. Directories last, deepest first.
mkd "$(dirname "$manifest")"
{
  printf '%s\n' "${added[@]}" | grep -v '^dir ' || true
  grep '^dir ' "$manifest" 2>/dev/null || true
  printf '%s\n' "${added[@]}" | grep '^dir ' || true
} | awk '!seen[$0]++' > "$manifest.new"
mv "$manifest.new" "$manifest"

echo "capbu installed in $root$prefix ($bin_dir/capbu)."
if [ "$field" -eq 0 ]; then
  echo "Next: put the campaign file at /etc/capbu/campaign.json, then enrol as the kiosk user:"
  echo "  sudo -u capbu capbu enroll --server URL --code CODE && capbu doctor"
fi
