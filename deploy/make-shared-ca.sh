#!/usr/bin/env bash
# Makes a CA for several webkvm devices to share (deploy/README.md, "Certificates", way 2):
#   sudo deploy/make-shared-ca.sh /root/webkvm-ca ["Home KVM CA"]
# writes DIR/ca.pem (give it to every browser and OS once) and DIR/ca.key (0600, root). Like each
# device's local CA it is name-constrained: it can only vouch for *.local names, localhost and
# private addresses, never a public site. Then on each device, in /etc/webkvm/tls.env:
#   WEBKVM_CA_CERT=/root/webkvm-ca/ca.pem  WEBKVM_CA_KEY=/root/webkvm-ca/ca.key
# and run sudo deploy/install.sh --tls-only. Copy the key to each device over SSH, not the web.
set -Eeuo pipefail

DEPLOY_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib/common.sh
. "$DEPLOY_DIR/lib/common.sh"
# shellcheck source=lib/tls.sh
. "$DEPLOY_DIR/lib/tls.sh"

if [ $# -lt 1 ] || [ $# -gt 2 ]; then die "usage: $0 DIR [CA name]"; fi
dir=$1
name=${2:-webkvm shared CA}
[ ! -e "$dir/ca.key" ] || die "$dir/ca.key exists: keeping it (delete it first to make a new CA)"
install -d -m 0700 "$dir"
nc="critical,permitted;DNS:local,permitted;DNS:localhost"
for net in $TLS_PRIVATE_NETS; do nc="$nc,permitted;IP:$net"; done
tls_make_ca "$dir/ca.pem" "$dir/ca.key" "/CN=$name ($(date -u +%F))/O=webkvm" "$nc"
log "made $dir/ca.pem and $dir/ca.key (SHA-256 $(tls_fingerprint "$dir/ca.pem"))"
