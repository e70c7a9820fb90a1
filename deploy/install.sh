#!/usr/bin/env bash
# Installs webkvm on Raspberry Pi OS Bookworm (arm64 or armhf) from this checkout:
#   sudo deploy/install.sh              the whole install
#   sudo deploy/install.sh --tls-only   only the certificate (after editing /etc/webkvm/tls.env, or a renewal)
# Idempotent: a re-run changes only what differs, keeps /etc/webkvm (config, certificate) and
# rebuilds /opt/webkvm only when the checkout or node changed. Undo with deploy/uninstall.sh.
# See deploy/README.md.
set -Eeuo pipefail

DEPLOY_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SRC_DIR=$(dirname "$DEPLOY_DIR")
# shellcheck source=lib/common.sh
. "$DEPLOY_DIR/lib/common.sh"
# shellcheck source=lib/apt.sh
. "$DEPLOY_DIR/lib/apt.sh"
# shellcheck source=lib/boot.sh
. "$DEPLOY_DIR/lib/boot.sh"
# shellcheck source=lib/node.sh
. "$DEPLOY_DIR/lib/node.sh"
# shellcheck source=lib/app.sh
. "$DEPLOY_DIR/lib/app.sh"
# shellcheck source=lib/tls.sh
. "$DEPLOY_DIR/lib/tls.sh"
# shellcheck source=lib/services.sh
. "$DEPLOY_DIR/lib/services.sh"
# shellcheck source=lib/accounts.sh
. "$DEPLOY_DIR/lib/accounts.sh"

trap 'printf "[webkvm] ERROR: %s failed (line %s)\n" "$BASH_COMMAND" "$LINENO" >&2' ERR

# The gadget files come from hardware/gadget; without them there is nothing to bind the HID
# devices or to name them, so refuse early instead of installing a bridge that can't work.
check_checkout() {
  local f
  for f in package.json package-lock.json bridge/src/main.ts bridge/src/cli/user.ts hardware/gadget/setup.ts \
    hardware/gadget/udev/99-webkvm-hid.rules deploy/bin/webkvm-user; do
    [ -f "$SRC_DIR/$f" ] || die "$SRC_DIR/$f is missing: run deploy/install.sh from a complete webkvm checkout"
  done
}

step_boot() {
  step "Raspberry Pi boot configuration (USB device mode)"
  local config
  config=$(pi_boot_config)
  if [ -z "$config" ]; then
    log "not a Raspberry Pi (no /boot/firmware/config.txt, no /boot/config.txt, no Pi in /proc/device-tree/model): skipping dtoverlay=dwc2 and $MODULES_LOAD"
    return 0
  fi
  ensure_dwc2_overlay "$config"
  ensure_gadget_modules
}

step_packages() {
  step "Debian packages"
  # systemd and udev are on every Raspberry Pi OS; listed so a bare Debian root gets them too.
  apt_install ustreamer openssl systemd udev
  log "ustreamer $(dpkg-query -W -f='${Version}' ustreamer), openssl, systemd, udev present"
}

step_user() {
  step "service user $SERVICE_USER"
  if ! getent group "$SERVICE_USER" >/dev/null; then
    groupadd --system "$SERVICE_USER"
    changed "group $SERVICE_USER"
  fi
  if ! getent passwd "$SERVICE_USER" >/dev/null; then
    # No home, no login: it only runs the bridge.
    useradd --system --gid "$SERVICE_USER" --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin --comment "webkvm bridge" "$SERVICE_USER"
    changed "user $SERVICE_USER"
  fi
  log "$(id "$SERVICE_USER")"
}

step_config() {
  step "configuration in $ETC_DIR"
  ensure_dir "$ETC_DIR" 0755 root:root
  # Written once, then the admin's: a re-run keeps edits and only fixes owner and mode.
  if [ -f "$BRIDGE_CONFIG" ]; then
    log "keeping $BRIDGE_CONFIG"
  else
    put_file "$DEPLOY_DIR/config/bridge.json" "$BRIDGE_CONFIG" 0640 "root:$SERVICE_USER"
  fi
  ensure_perms "$BRIDGE_CONFIG" 0640 "root:$SERVICE_USER"
  if [ -f "$USTREAMER_ENV" ]; then
    log "keeping $USTREAMER_ENV"
  else
    put_file "$DEPLOY_DIR/config/ustreamer.env" "$USTREAMER_ENV" 0644 root:root
  fi
  if [ -f "$TLS_ENV" ]; then
    log "keeping $TLS_ENV"
  else
    put_file "$DEPLOY_DIR/config/tls.env" "$TLS_ENV" 0644 root:root
  fi
}

step_tls() {
  step "TLS certificate ($TLS_ENV)"
  ensure_tls "$TLS_DIR" "$SERVICE_USER" "$TLS_ENV"
}

# What a browser needs to trust the bridge, for the summary.
tls_summary() {
  local host=$1
  case "$TLS_MODE" in
    own) log "the bridge serves your certificate (WEBKVM_TLS_CERT in $TLS_ENV)" ;;
    *)
      log "trust the CA once on each computer and phone: open http://$host/ (the CA and the steps per OS)"
      log "  CA SHA-256 fingerprint (compare before trusting): $TLS_CA_FINGERPRINT"
      ;;
  esac
}

step_udev() {
  step "udev rules (stable names /dev/webkvm-*)"
  put_file "$APP_DIR/hardware/gadget/udev/99-webkvm-hid.rules" "$UDEV_RULES" 0644 root:root
  [ "$WROTE" = 1 ] || log "$UDEV_RULES unchanged"
  if ! udev_running; then
    log "udevd is not running (chroot or container): the rules apply from the next boot"
  elif [ "$WROTE" = 1 ]; then
    udevadm control --reload
    udevadm trigger --action=add --subsystem-match=hidg
    log "udev rules reloaded and hidg devices re-triggered"
  fi
}

# The URL(s) to open, from the config's port.
summary() {
  local port host url ip
  port=$("$NODE_BIN" -p "JSON.parse(require('fs').readFileSync('$BRIDGE_CONFIG', 'utf8')).port ?? 8000" 2>/dev/null || echo 443)
  host=$(hostname -s 2>/dev/null || hostname)
  url_for() { if [ "$port" = 443 ]; then echo "https://$1/"; else echo "https://$1:$port/"; fi; }
  url=$(url_for "$host.local")
  step "done"
  if [ "$CHANGES" = 0 ]; then log "nothing changed (already installed)"; else log "$CHANGES change(s) made"; fi
  log "open $url"
  for ip in $(hostname -I 2>/dev/null || true); do
    case "$ip" in *:*) ;; *) log "  or $(url_for "$ip")" ;; esac
  done
  tls_summary "$host.local"
  print_accounts
  log "config: $BRIDGE_CONFIG, $USTREAMER_ENV; logs: journalctl -u webkvm-bridge -u webkvm-gadget -u webkvm-ustreamer"
  if [ "$BOOT_CHANGED" = 1 ]; then
    log "REBOOT NEEDED: the Pi's USB port switches to device mode (dwc2) at the next boot: sudo reboot"
  fi
}

# --tls-only: only the certificate step, then a bridge restart if it changed anything. For a
# renewal hook (certbot --deploy-hook) or after editing tls.env.
tls_only() {
  step_tls
  if [ "$CHANGES" -gt 0 ] && systemd_running && systemctl is-active --quiet webkvm-bridge.service; then
    systemctl restart webkvm-bridge.service
    log "restarted webkvm-bridge.service"
  fi
  if [ "$CHANGES" = 0 ]; then log "nothing changed"; else log "$CHANGES change(s) made"; fi
  tls_summary "$(hostname -s 2>/dev/null || hostname).local"
}

main() {
  require_root
  exec 9>/run/webkvm-install.lock
  flock -n 9 || die "another deploy/install.sh or uninstall.sh is running"
  case "${1:-}" in
    "") ;;
    --tls-only)
      tls_only
      return 0
      ;;
    *) die "usage: $0 [--tls-only]" ;;
  esac
  log "installing webkvm from $SRC_DIR"
  check_checkout
  step_boot
  step_packages
  step "Node.js >= $NODE_MIN_MAJOR"
  ensure_node
  step_user
  step "application in $APP_DIR"
  ensure_app "$SRC_DIR"
  step_config
  step_tls
  step "accounts"
  ensure_state_dir
  install_user_command
  step_udev
  step "systemd units"
  install_units
  start_units
  summary
  [ "$START_FAILED" = 0 ] || die "installed, but a service did not start (see the journalctl hint above)"
}

main "$@"
