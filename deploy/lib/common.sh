# shellcheck shell=bash
# shellcheck disable=SC2034 # a sourced library: the scripts that source it read these variables
# Shared helpers for deploy/install.sh and deploy/uninstall.sh: logging, the fixed paths of an
# install, and "write only if different" file helpers so a re-run changes nothing.

# Where things go. Fixed on purpose: the units, the udev rules and the bridge config refer to each
# other by these names.
readonly APP_DIR=/opt/webkvm
readonly ETC_DIR=/etc/webkvm
readonly TLS_DIR=/etc/webkvm/tls
readonly BRIDGE_CONFIG=/etc/webkvm/bridge.json
readonly USTREAMER_ENV=/etc/webkvm/ustreamer.env
# Which certificate the bridge serves (deploy/lib/tls.sh): a local CA, a shared CA or your own.
readonly TLS_ENV=/etc/webkvm/tls.env
# The bridge's StateDirectory: users.json, sessions.json, setup-token.json.
readonly STATE_DIR=/var/lib/webkvm
readonly USER_CMD=/usr/local/sbin/webkvm-user
readonly UNIT_DIR=/etc/systemd/system
readonly UDEV_RULES=/etc/udev/rules.d/99-webkvm-hid.rules
readonly MODULES_LOAD=/etc/modules-load.d/webkvm.conf
readonly SERVICE_USER=webkvm
readonly UNITS=(webkvm-gadget.service webkvm-ustreamer.service webkvm-bridge.service)

# Counts files this run created or changed; the summary says "nothing changed" when it is 0.
CHANGES=0

log() { printf '[webkvm] %s\n' "$*"; }
step() { printf '\n[webkvm] == %s\n' "$*"; }
warn() { printf '[webkvm] WARNING: %s\n' "$*" >&2; }
die() {
  printf '[webkvm] ERROR: %s\n' "$*" >&2
  exit 1
}
changed() {
  CHANGES=$((CHANGES + 1))
  log "changed: $*"
}

require_root() {
  [ "$(id -u)" = 0 ] || die "run as root: sudo $0"
}

# systemd is PID 1 and reachable (sd_booted(3) checks the same directory). False in a chroot, a
# container build or an image being prepared: units are then only enabled, not started.
systemd_running() { [ -d /run/systemd/system ]; }

# udevd listens on this socket; without it "udevadm control" fails (chroot, container).
udev_running() { [ -S /run/udev/control ]; }

# A Raspberry Pi, or an image for one being prepared elsewhere (the boot partition is there).
# Prints the boot config path, or nothing when this is not a Pi.
pi_boot_config() {
  if [ -f /boot/firmware/config.txt ]; then
    echo /boot/firmware/config.txt # Bookworm
  elif [ -f /boot/config.txt ]; then
    echo /boot/config.txt # Bullseye and older
  elif grep -qs 'Raspberry Pi' /proc/device-tree/model; then
    # A Pi whose boot partition is not mounted: say so instead of silently skipping.
    die "this is a Raspberry Pi but neither /boot/firmware/config.txt nor /boot/config.txt exists; mount the boot partition and re-run"
  fi
}

# Files equal in content, mode and owner?
same_file() { # src dest mode owner:group
  [ -f "$2" ] && cmp -s "$1" "$2" && [ "$(stat -c '%a %U:%G' "$2")" = "${3#0} $4" ]
}

# Installs src as dest with mode and owner, only if something differs. Sets WROTE to 1 if it
# wrote, else 0 (a return code would trip set -e in callers that don't care).
WROTE=0
put_file() { # src dest mode owner:group
  WROTE=0
  same_file "$@" && return 0
  install -D -m "$3" -o "${4%:*}" -g "${4#*:}" "$1" "$2"
  WROTE=1
  changed "$2"
}

# Like put_file with the content on stdin.
put_content() { # dest mode owner:group < content
  local tmp
  tmp=$(mktemp)
  cat >"$tmp"
  put_file "$tmp" "$@"
  rm -f "$tmp"
}

# Sets mode and owner of an existing path when they differ.
ensure_perms() { # path mode owner:group
  if [ "$(stat -c '%a %U:%G' "$1")" != "${2#0} $3" ]; then
    chown "$3" "$1"
    chmod "$2" "$1"
    changed "$1 (mode $2, owner $3)"
  fi
}

ensure_dir() { # path mode owner:group
  if [ ! -d "$1" ]; then
    install -d -m "$2" -o "${3%:*}" -g "${3#*:}" "$1"
    changed "$1/"
  else
    ensure_perms "$@"
  fi
}

remove_path() { # path...
  local p
  for p in "$@"; do
    if [ -e "$p" ] || [ -L "$p" ]; then
      rm -rf -- "$p"
      changed "removed $p"
    fi
  done
}

# Reads the major version of a node binary, or prints nothing if it does not run.
node_major() { # node-binary
  "$1" -p 'process.versions.node.split(".")[0]' 2>/dev/null || true
}
