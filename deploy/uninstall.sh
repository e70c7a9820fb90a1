#!/usr/bin/env bash
# Removes what deploy/install.sh installed:
#   sudo deploy/uninstall.sh           keeps /etc/webkvm (bridge.json, ustreamer.env, TLS key) and
#                                      /var/lib/webkvm (accounts)
#   sudo deploy/uninstall.sh --purge   removes both as well
# Leaves Node.js, its NodeSource apt source, and the ustreamer/openssl packages installed: other
# software may use them (apt-get purge them by hand if not).
set -Eeuo pipefail

DEPLOY_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib/common.sh
. "$DEPLOY_DIR/lib/common.sh"
# shellcheck source=lib/boot.sh
. "$DEPLOY_DIR/lib/boot.sh"

trap 'printf "[webkvm] ERROR: %s failed (line %s)\n" "$BASH_COMMAND" "$LINENO" >&2' ERR

PURGE=0

usage() {
  echo "usage: sudo $0 [--purge]" >&2
  exit 2
}

remove_units() {
  step "systemd units"
  local unit present=()
  for unit in "${UNITS[@]}"; do
    [ -f "$UNIT_DIR/$unit" ] && present+=("$unit")
  done
  if [ "${#present[@]}" = 0 ]; then
    log "no webkvm units installed"
    return 0
  fi
  if systemd_running; then
    # Bridge first, gadget last: stopping the gadget unit runs "setup.ts down".
    systemctl stop webkvm-bridge.service webkvm-ustreamer.service webkvm-gadget.service || true
  fi
  systemctl disable --quiet "${present[@]}" || die "systemctl disable ${present[*]} failed"
  for unit in "${present[@]}"; do remove_path "$UNIT_DIR/$unit"; done
  if systemd_running; then
    systemctl daemon-reload
    systemctl reset-failed "${present[@]}" 2>/dev/null || true
  fi
}

remove_udev_rules() {
  step "udev rules"
  remove_path "$UDEV_RULES"
  if udev_running; then udevadm control --reload; fi
}

remove_boot_config() {
  step "Raspberry Pi boot configuration"
  local config
  config=$(pi_boot_config)
  if [ -z "$config" ]; then
    log "not a Raspberry Pi: nothing to undo in the boot configuration"
  else
    remove_dwc2_overlay "$config"
    remove_path "$config.webkvm-backup"
  fi
  remove_path "$MODULES_LOAD"
}

remove_user() {
  step "service user $SERVICE_USER"
  if getent passwd "$SERVICE_USER" >/dev/null; then
    userdel "$SERVICE_USER"
    changed "removed user $SERVICE_USER"
  fi
  if getent group "$SERVICE_USER" >/dev/null; then
    groupdel "$SERVICE_USER"
    changed "removed group $SERVICE_USER"
  fi
}

handle_config() {
  step "configuration in $ETC_DIR and accounts in $STATE_DIR"
  if [ "$PURGE" = 1 ]; then
    remove_path "$ETC_DIR" "$STATE_DIR"
    return 0
  fi
  # The user and group are gone: hand the kept files to root so no file is owned by a dangling
  # UID/GID that a future, unrelated account could inherit. install.sh gives them back to webkvm.
  if [ -d "$ETC_DIR" ]; then
    chown -R root:root "$ETC_DIR"
    log "kept $ETC_DIR (config and TLS certificate, now root-only); remove it with --purge"
  fi
  if [ -d "$STATE_DIR" ]; then
    chown -R root:root "$STATE_DIR"
    log "kept $STATE_DIR (accounts and sessions, now root-only); remove it with --purge"
  fi
}

main() {
  case "${1:-}" in
    "") ;;
    --purge) PURGE=1 ;;
    *) usage ;;
  esac
  require_root
  exec 9>/run/webkvm-install.lock
  flock -n 9 || die "another deploy/install.sh or uninstall.sh is running"
  remove_units
  remove_udev_rules
  step "application"
  remove_path "$APP_DIR" "$APP_DIR.new" "$APP_DIR.old" "$USER_CMD"
  remove_boot_config
  remove_user
  handle_config
  step "done"
  log "$CHANGES change(s); Node.js, ustreamer and openssl stay installed"
}

main "$@"
