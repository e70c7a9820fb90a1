# shellcheck shell=bash
# shellcheck disable=SC2034 # a sourced library: the scripts that source it read these variables
# The three units: rendered with the node path, enabled, and started when systemd runs. In a
# chroot or an image build systemctl can still enable (it only writes the .wants symlinks), and
# the units start at the next boot.

UNITS_CHANGED=()
START_FAILED=0

# Writes a unit from deploy/systemd with @NODE@ replaced by the absolute node path.
render_unit() { # name dest-dir
  # Not a pipe: put_content must run in this shell to record WROTE and CHANGES.
  put_content "$2/$1" 0644 root:root < <(sed "s|@NODE@|$NODE_BIN|g" "$DEPLOY_DIR/systemd/$1")
}

install_units() {
  local unit
  for unit in "${UNITS[@]}"; do
    render_unit "$unit" "$UNIT_DIR"
    [ "$WROTE" = 0 ] || UNITS_CHANGED+=("$unit")
  done
  if systemd_running && [ "${#UNITS_CHANGED[@]}" -gt 0 ]; then
    systemctl daemon-reload
  fi
  for unit in "${UNITS[@]}"; do
    # is-enabled reads the symlinks, so it works offline (chroot) as well.
    if [ "$(systemctl is-enabled "$unit" 2>/dev/null || true)" != enabled ]; then
      systemctl enable --quiet "$unit" || die "systemctl enable $unit failed"
      changed "enabled $unit"
    fi
  done
  log "units enabled: ${UNITS[*]}"
}

unit_changed() { # unit
  local u
  for u in "${UNITS_CHANGED[@]}"; do [ "$u" = "$1" ] && return 0; done
  return 1
}

# start, or restart when the unit itself (or, for the bridge, anything at all) changed.
start_unit() { # unit force-restart(0|1)
  local verb=start
  if unit_changed "$1" || [ "$2" = 1 ]; then verb=restart; fi
  log "systemctl $verb $1"
  if ! systemctl "$verb" "$1"; then
    warn "$1 did not start: journalctl -b -u $1"
    START_FAILED=1
  fi
}

start_units() {
  if ! systemd_running; then
    log "systemd is not running here (chroot or image build): units are enabled and start at the next boot"
    return 0
  fi
  if [ "$BOOT_CHANGED" = 1 ]; then
    log "not starting the services now: dwc2 is only active after the reboot"
    return 0
  fi
  start_unit webkvm-gadget.service 0
  start_unit webkvm-ustreamer.service 0
  # The bridge reads the app, its config and the certificate only at start.
  start_unit webkvm-bridge.service "$([ "$CHANGES" -gt 0 ] && echo 1 || echo 0)"
  # Restart=always hides a crash loop behind "activating"; look again after a moment.
  sleep 3
  local unit
  for unit in "${UNITS[@]}"; do
    if ! systemctl is-active --quiet "$unit"; then
      warn "$unit is $(systemctl is-active "$unit" || true): journalctl -b -u $unit"
      START_FAILED=1
    fi
  done
}
