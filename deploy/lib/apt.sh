# shellcheck shell=bash
# apt-get, touched only when a package is missing, so a re-run neither updates the index nor
# installs anything.

APT_UPDATED=0

pkg_installed() { # package
  [ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null)" = installed ]
}

apt_install() { # package...
  local missing=() p
  for p in "$@"; do
    pkg_installed "$p" || missing+=("$p")
  done
  [ "${#missing[@]}" -gt 0 ] || return 0
  export DEBIAN_FRONTEND=noninteractive
  if [ "$APT_UPDATED" = 0 ]; then
    log "apt-get update"
    apt-get update -qq || die "apt-get update failed; check the network and /etc/apt/sources.list*"
    APT_UPDATED=1
  fi
  log "apt-get install ${missing[*]}"
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null ||
    die "apt-get install ${missing[*]} failed"
  changed "installed packages: ${missing[*]}"
}
