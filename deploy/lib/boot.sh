# shellcheck shell=bash
# shellcheck disable=SC2034 # a sourced library: the scripts that source it read these variables
# Raspberry Pi boot configuration: the dwc2 overlay puts the Pi's OTG/USB-C port into device
# (gadget) mode, which the keyboard/mouse gadget needs. Only on a Pi; see pi_boot_config.

readonly BOOT_BEGIN='# >>> webkvm (deploy/install.sh): USB device mode for the keyboard/mouse gadget'
readonly BOOT_END='# <<< webkvm'

# True if config.txt already loads dwc2 in a section that applies to every board: before the
# first [filter] line, or under [all]. A dwc2 line under [pi4] or [cm4] etc. does not count.
dwc2_enabled() { # config.txt
  awk '
    /^[[:space:]]*\[/ { section = $0; gsub(/[[:space:]]/, "", section); next }
    /^[[:space:]]*dtoverlay[[:space:]]*=[[:space:]]*dwc2([[:space:],]|$)/ {
      if (section == "" || section == "[all]") found = 1
    }
    END { exit found ? 0 : 1 }
  ' "$1"
}

# Appends a marked [all] block with dtoverlay=dwc2 unless dwc2 is already on for all boards.
# Appending at the end under its own [all] keeps it out of any [cm4]/[pi5] section above it.
# Sets BOOT_CHANGED=1 when the file was edited (a reboot is then needed).
BOOT_CHANGED=0
ensure_dwc2_overlay() { # config.txt
  if dwc2_enabled "$1"; then
    log "$1 already enables dtoverlay=dwc2 for all boards"
    return 0
  fi
  cp -p "$1" "$1.webkvm-backup"
  # A final newline first, so the block never joins the file's last line.
  if [ -s "$1" ] && [ -n "$(tail -c1 "$1")" ]; then echo >>"$1"; fi
  printf '%s\n[all]\ndtoverlay=dwc2\n%s\n' "$BOOT_BEGIN" "$BOOT_END" >>"$1"
  BOOT_CHANGED=1
  changed "$1 (dtoverlay=dwc2 under [all]; backup in $1.webkvm-backup; reboot needed)"
}

# Removes the block that ensure_dwc2_overlay added, and nothing else.
remove_dwc2_overlay() { # config.txt
  grep -qxF "$BOOT_BEGIN" "$1" || return 0
  local tmp
  tmp=$(mktemp)
  awk -v begin="$BOOT_BEGIN" -v end="$BOOT_END" '
    $0 == begin { skip = 1; next }
    skip && $0 == end { skip = 0; next }
    !skip { print }
  ' "$1" >"$tmp"
  cat "$tmp" >"$1" # keeps the file's owner and mode (FAT boot partition: no chmod anyway)
  rm -f "$tmp"
  changed "$1 (removed the webkvm dwc2 block; takes effect after a reboot)"
}

# Loads dwc2 and libcomposite at boot, before webkvm-gadget.service runs.
ensure_gadget_modules() {
  put_content "$MODULES_LOAD" 0644 root:root <<'EOF'
# webkvm: USB device controller (dwc2) and the configfs gadget framework (libcomposite),
# loaded at boot for webkvm-gadget.service. Written by deploy/install.sh.
dwc2
libcomposite
EOF
}
