# shellcheck shell=bash
# A self-signed TLS certificate for the bridge. HTTPS is what makes the PWA a secure context
# (service worker, install prompt, Keyboard Lock, clipboard), so even a self-signed certificate
# that the user trusts once beats plain HTTP.

readonly TLS_CERT=/etc/webkvm/tls/cert.pem
readonly TLS_KEY=/etc/webkvm/tls/key.pem
# Apple platforms reject TLS server certificates valid for more than 825 days, even self-signed
# ones a user trusted by hand; 825 works everywhere.
readonly TLS_DAYS=825
# Renew this long (seconds) before expiry; 30 days.
readonly TLS_RENEW_BEFORE=2592000

# subjectAltName: the hostname, hostname.local (mDNS, which Raspberry Pi OS runs) and every
# address the machine has now. Link-local IPv6 (fe80::) is left out: browsers can't use it in
# a URL without a zone.
tls_san() {
  local host ip san
  host=$(hostname -s 2>/dev/null || hostname)
  san="DNS:$host,DNS:$host.local,DNS:localhost,IP:127.0.0.1"
  for ip in $(hostname -I 2>/dev/null || true); do
    case "$ip" in
      fe80:* | 127.*) ;;
      *) san="$san,IP:$ip" ;;
    esac
  done
  echo "$san"
}

# Generates the certificate when missing, unreadable or expiring soon; otherwise keeps it (a
# re-run must not change a certificate that browsers were told to trust). Always re-asserts the
# key's owner and mode: readable by root and group webkvm only.
ensure_tls_cert() {
  ensure_dir "$TLS_DIR" 0750 "root:$SERVICE_USER"
  if [ -f "$TLS_CERT" ] && [ -f "$TLS_KEY" ] &&
    openssl x509 -in "$TLS_CERT" -noout -checkend "$TLS_RENEW_BEFORE" >/dev/null 2>&1; then
    log "keeping the certificate $TLS_CERT ($(openssl x509 -in "$TLS_CERT" -noout -enddate))"
  else
    local san
    san=$(tls_san)
    log "generating a self-signed EC P-256 certificate for $san"
    # umask: the key file must never exist world-readable, not even for a moment.
    (umask 077 && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
      -days "$TLS_DAYS" -subj "/CN=$(hostname -s 2>/dev/null || hostname)/O=webkvm" \
      -addext "subjectAltName=$san" \
      -addext "basicConstraints=critical,CA:FALSE" \
      -addext "keyUsage=critical,digitalSignature" \
      -addext "extendedKeyUsage=serverAuth" \
      -keyout "$TLS_KEY.new" -out "$TLS_CERT.new" 2>/dev/null) ||
      die "openssl could not generate the TLS certificate"
    mv -f "$TLS_KEY.new" "$TLS_KEY"
    mv -f "$TLS_CERT.new" "$TLS_CERT"
    changed "$TLS_CERT and $TLS_KEY (new self-signed certificate)"
  fi
  ensure_perms "$TLS_KEY" 0640 "root:$SERVICE_USER"
  ensure_perms "$TLS_CERT" 0644 root:root
}
