# shellcheck shell=bash
# shellcheck disable=SC2034 # a sourced library: the scripts that source it read these variables
# Node.js >= 20 for the bridge (package.json "engines"). Bookworm's own nodejs is 18. We keep a
# suitable node that is already there, else add NodeSource's apt repository: it is signed, updates through apt with
# the rest of the system, and has arm64 builds (armhf builds too, though NodeSource lags there).
#
# Node 22, not 24: the bridge's uWebSockets.js build ships binaries for Node 18/20/21/22 only
# (ABI 108/115/120/127), and Node 24 has no 32-bit ARM build at all.

readonly NODE_MIN_MAJOR=20
readonly NODESOURCE_MAJOR=22
readonly NODESOURCE_KEY_URL=https://deb.nodesource.com/gpgkey/nodesource-repo.gpg.key
# The key's fingerprint, checked before apt trusts it ("NSolid <nsolid-gpg@nodesource.com>").
readonly NODESOURCE_FPR=6F71F525282841EEDAF851B42F59B5F99B1BE0B4
readonly NODESOURCE_KEYRING=/etc/apt/keyrings/webkvm-nodesource.gpg
readonly NODESOURCE_LIST=/etc/apt/sources.list.d/webkvm-nodesource.list
readonly NODESOURCE_PIN=/etc/apt/preferences.d/webkvm-nodejs

# Set by ensure_node: absolute paths used in the units and for npm.
NODE_BIN=""
NPM_BIN=""

# A node on PATH that is new enough, as an absolute path; nothing otherwise.
find_node() {
  local node major
  node=$(command -v node || true)
  [ -n "$node" ] || return 0
  major=$(node_major "$node")
  if [ -n "$major" ] && [ "$major" -ge "$NODE_MIN_MAJOR" ]; then
    echo "$node"
  else
    log "found $node (Node ${major:-?}), older than $NODE_MIN_MAJOR: not used" >&2
  fi
}

add_nodesource_repo() {
  local arch tmp fpr
  arch=$(dpkg --print-architecture)
  case "$arch" in
    arm64 | amd64) ;;
    armhf) warn "NodeSource's armhf builds of Node $NODESOURCE_MAJOR lag behind the other architectures; a 64-bit Raspberry Pi OS gets current ones" ;;
    *) die "no NodeSource build of Node $NODESOURCE_MAJOR for $arch (a Pi Zero W / Pi 1 is armv6, which Node no longer supports); install Node >= $NODE_MIN_MAJOR yourself and re-run" ;;
  esac
  apt_install ca-certificates curl gnupg
  tmp=$(mktemp -d)
  curl -fsSL --retry 3 "$NODESOURCE_KEY_URL" -o "$tmp/key.asc" ||
    die "cannot download NodeSource's signing key from $NODESOURCE_KEY_URL"
  fpr=$(gpg --show-keys --with-colons "$tmp/key.asc" 2>/dev/null | awk -F: '$1 == "fpr" { print $10; exit }')
  [ "$fpr" = "$NODESOURCE_FPR" ] ||
    die "NodeSource's key has fingerprint '${fpr:-none}', expected $NODESOURCE_FPR; not trusting it"
  gpg --dearmor <"$tmp/key.asc" >"$tmp/key.gpg"
  rm -f "$tmp/key.asc"
  put_file "$tmp/key.gpg" "$NODESOURCE_KEYRING" 0644 root:root
  rm -rf "$tmp"
  put_content "$NODESOURCE_LIST" 0644 root:root <<EOF
# Node.js $NODESOURCE_MAJOR for webkvm (deploy/install.sh)
deb [arch=$arch signed-by=$NODESOURCE_KEYRING] https://deb.nodesource.com/node_$NODESOURCE_MAJOR.x nodistro main
EOF
  # Prefer NodeSource's nodejs over the distribution's 18 (and Raspberry Pi OS's own builds).
  put_content "$NODESOURCE_PIN" 0644 root:root <<'EOF'
Package: nodejs
Pin: origin deb.nodesource.com
Pin-Priority: 600
EOF
  APT_UPDATED=0 # the new source needs a fresh index
}

ensure_node() {
  NODE_BIN=$(find_node)
  if [ -n "$NODE_BIN" ]; then
    log "keeping $NODE_BIN ($("$NODE_BIN" --version))"
  else
    log "no Node >= $NODE_MIN_MAJOR on PATH: installing Node $NODESOURCE_MAJOR from NodeSource's apt repository"
    add_nodesource_repo
    apt_install nodejs
    NODE_BIN=$(find_node)
    [ -n "$NODE_BIN" ] || die "installed nodejs from NodeSource but 'node' is still missing or older than $NODE_MIN_MAJOR"
  fi
  case "$NODE_BIN" in
    /root/* | /home/*)
      die "$NODE_BIN is in a home directory (nvm?), which the service user cannot reach; install a system-wide Node >= $NODE_MIN_MAJOR (e.g. remove it from PATH and re-run to use NodeSource)" ;;
  esac
  NPM_BIN=$(command -v npm || true)
  [ -n "$NPM_BIN" ] || die "found $NODE_BIN but no npm on PATH; install npm for this node and re-run"
  log "npm $("$NPM_BIN" --version) at $NPM_BIN"
}
