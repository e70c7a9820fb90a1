# shellcheck shell=bash
# The bridge's TLS certificate. HTTPS makes the PWA a secure context (service worker, install
# prompt, Keyboard Lock, clipboard), but Chromium registers a service worker only from an origin
# whose certificate it trusts, so a self-signed certificate clicked through is not enough. Three
# ways, chosen in /etc/webkvm/tls.env (deploy/config/tls.env, deploy/README.md "Certificates"):
#   1. default: a local CA made once on this device signs the device certificate; users trust
#      the CA once (the http:// page on port 80 offers it);
#   2. WEBKVM_CA_CERT + WEBKVM_CA_KEY: a CA shared by several devices signs it instead;
#   3. WEBKVM_TLS_CERT + WEBKVM_TLS_KEY: the user's own certificate (Let's Encrypt, Tailscale, a
#      company CA), checked and copied; WEBKVM_TLS_CA optionally names a CA for the port-80 page.
# Files in the TLS directory: cert.pem + key.pem (what the bridge serves), ca.pem (what the port-80
# page offers; absent when there is nothing to trust), local-ca.pem + local-ca.key (way 1).

# Apple platforms reject TLS server certificates valid for more than 825 days, even ones from a
# CA a user trusted by hand; 825 works everywhere.
readonly TLS_DAYS=825
# The local CA outlives many device certificates: 10 years.
readonly TLS_CA_DAYS=3650
# Renew this long (seconds) before expiry; 30 days.
readonly TLS_RENEW_BEFORE=2592000
# The local CA may only sign for these addresses (RFC 5280 §4.2.1.10 name constraints): loopback,
# RFC 1918, CGNAT 100.64/10 (Tailscale) and IPv6 ULA. A leaked CA key can then not impersonate
# any public site to the machines that trust it.
readonly TLS_PRIVATE_NETS="127.0.0.0/255.0.0.0 10.0.0.0/255.0.0.0 172.16.0.0/255.240.0.0 192.168.0.0/255.255.0.0 100.64.0.0/255.192.0.0 ::1/ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff fc00::/fe00::"

# Set by ensure_tls for the summary: local-ca, shared-ca or own; and the SHA-256 of ca.pem.
TLS_MODE=
TLS_CA_FINGERPRINT=

# The device's short name and addresses. Functions, so tests can redefine them.
tls_hostname() { hostname -s 2>/dev/null || hostname; }
tls_addresses() { hostname -I 2>/dev/null || true; }

# A value from the TLS config file: KEY=value lines, # comments, optional quotes. Prints nothing
# when the file or the key is absent. Read, never sourced: the file holds paths, not code.
tls_conf() { # file key
  [ -f "$1" ] || return 0
  local v
  v=$(sed -n "s/^[[:space:]]*$2=//p" "$1" | tail -n 1)
  v=${v%\"}
  v=${v#\"}
  v=${v%\'}
  v=${v#\'}
  printf '%s' "$v"
}

# True for an address inside TLS_PRIVATE_NETS.
tls_ip_private() { # ip
  case "$1" in
    127.* | 10.* | 192.168.* | 172.1[6-9].* | 172.2[0-9].* | 172.3[01].*) return 0 ;;
    100.6[4-9].* | 100.[7-9][0-9].* | 100.1[01][0-9].* | 100.12[0-7].*) return 0 ;;
    ::1 | [fF][cCdD]*:*) return 0 ;;
  esac
  return 1
}

# The CA's permitted DNS subtrees (RFC 5280 §4.2.1.10), one a line; nothing when it has none.
tls_ca_dns_permitted() { # ca
  openssl x509 -in "$1" -noout -ext nameConstraints 2>/dev/null | sed -n '/Permitted:/,/Excluded:/s/^ *DNS:\.\{0,1\}//p'
}
tls_ca_ip_limited() { openssl x509 -in "$1" -noout -ext nameConstraints 2>/dev/null | grep -q '^ *IP:'; }

# True if `name` is inside one of the permitted subtrees (or there are none): the name itself or
# a name under it.
tls_dns_permitted() { # name permitted-list
  [ -n "$2" ] || return 0
  local c
  while IFS= read -r c; do
    [ -n "$c" ] || continue
    case "$1" in "$c" | *".$c") return 0 ;; esac
  done <<<"$2"
  return 1
}

# subjectAltName for a certificate the CA will sign: the hostname, hostname.local (mDNS, which
# Raspberry Pi OS runs), localhost and the machine's addresses now, sorted. Link-local addresses
# are left out (a browser can't use fe80:: in a URL without a zone). Names and addresses the
# CA's name constraints would refuse are left out too, with a line saying so: the local CA
# permits only this host's names and private addresses, a shared one often only *.local.
tls_san() { # host ca
  local ip name san="" permitted ip_limited=0
  permitted=$(tls_ca_dns_permitted "$2")
  if tls_ca_ip_limited "$2"; then ip_limited=1; fi
  for name in "$1" "$1.local" localhost; do
    if tls_dns_permitted "$name" "$permitted"; then
      san="$san,DNS:$name"
    else
      log "leaving $name out of the certificate: the CA's name constraints do not permit it" >&2
    fi
  done
  san="$san,IP:127.0.0.1"
  for ip in $(tls_addresses | tr ' ' '\n' | sort -u); do
    case "$ip" in fe80:* | 169.254.* | 127.*) continue ;; esac
    if [ "$ip_limited" = 1 ] && ! tls_ip_private "$ip"; then
      log "leaving $ip out of the certificate: the CA signs only for private addresses (use $1.local)" >&2
      continue
    fi
    san="$san,IP:$ip"
  done
  echo "${san#,}"
}

# The local CA's nameConstraints value for `host`.
tls_name_constraints() { # host
  local nc="critical,permitted;DNS:$1,permitted;DNS:$1.local,permitted;DNS:localhost" net
  for net in $TLS_PRIVATE_NETS; do nc="$nc,permitted;IP:$net"; done
  echo "$nc"
}

tls_key_matches() { # cert key: their public keys are the same
  local a b
  a=$(openssl x509 -in "$1" -noout -pubkey 2>/dev/null) || return 1
  b=$(openssl pkey -in "$2" -passin pass: -pubout 2>/dev/null) || return 1
  [ -n "$a" ] && [ "$a" = "$b" ]
}

tls_is_cert() { openssl x509 -in "$1" -noout 2>/dev/null; }
tls_is_ca() { openssl x509 -in "$1" -noout -ext basicConstraints 2>/dev/null | grep -q 'CA:TRUE'; }
tls_not_expired() { openssl x509 -in "$1" -noout -checkend "${2:-0}" >/dev/null 2>&1; }
tls_enddate() { openssl x509 -in "$1" -noout -enddate 2>/dev/null | sed 's/^notAfter=//'; }
tls_fingerprint() { openssl x509 -in "$1" -noout -fingerprint -sha256 2>/dev/null | sed 's/^.*=//'; }

# Makes a CA: EC P-256, CA:TRUE with pathlen 0, keyCertSign + cRLSign, TLS_CA_DAYS, and the
# given nameConstraints value unless empty. The key is written 0600 and never exists wider.
tls_make_ca() { # cert key subject constraints
  local ext=(-addext "basicConstraints=critical,CA:TRUE,pathlen:0" -addext "keyUsage=critical,keyCertSign,cRLSign")
  [ -z "$4" ] || ext+=(-addext "nameConstraints=$4")
  (umask 077 && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -sha256 \
    -days "$TLS_CA_DAYS" -subj "$3" "${ext[@]}" -keyout "$2.new" -out "$1.new" 2>/dev/null) ||
    die "openssl could not make the CA $1"
  chmod 644 "$1.new"
  mv -f "$2.new" "$2"
  mv -f "$1.new" "$1"
}

# Issues a device certificate signed by the CA: a fresh EC P-256 key, CA:FALSE, digitalSignature,
# serverAuth, the SAN given, `days` days, a random 128-bit serial (CA/B BR §7.1). Writes cert and
# key only once openssl verify accepts the result against the CA (name constraints included).
# Returns 1 (nothing written, openssl's reason on stderr) when it does not verify.
tls_issue() { # cert key ca-cert ca-key san host days
  local tmp rc=0
  tmp=$(mktemp -d)
  (umask 077 && openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$6/O=webkvm" \
    -keyout "$tmp/key.pem" -out "$tmp/req.csr" 2>"$tmp/err") || die "openssl could not make a key: $(cat "$tmp/err")"
  printf '%s\n' "basicConstraints=critical,CA:FALSE" "keyUsage=critical,digitalSignature" \
    "extendedKeyUsage=serverAuth" "subjectAltName=$5" "subjectKeyIdentifier=hash" \
    "authorityKeyIdentifier=keyid" >"$tmp/ext"
  openssl x509 -req -in "$tmp/req.csr" -CA "$3" -CAkey "$4" -passin pass: -set_serial "0x$(openssl rand -hex 16)" \
    -days "$7" -sha256 -extfile "$tmp/ext" -out "$tmp/cert.pem" 2>"$tmp/err" ||
    die "openssl could not sign the device certificate with $3: $(cat "$tmp/err")"
  if openssl verify -CAfile "$3" -purpose sslserver "$tmp/cert.pem" >"$tmp/err" 2>&1; then
    (umask 077 && mv -f "$tmp/key.pem" "$2.new") && mv -f "$2.new" "$2"
    mv -f "$tmp/cert.pem" "$1"
  else
    cat "$tmp/err" >&2
    rc=1
  fi
  rm -rf "$tmp"
  return "$rc"
}

# Why the device certificate must be (re-)issued, or nothing when it is fine: missing, a key that
# is not its own, not signed by the CA, expiring within 30 days, or a name or address of the SAN
# list it does not cover (checked by openssl's own matching, so IPv6 spellings compare right).
tls_reissue_reason() { # cert key ca san
  if [ ! -f "$1" ] || [ ! -f "$2" ]; then
    echo "there is none"
  elif ! tls_key_matches "$1" "$2"; then
    echo "its key does not match it"
  elif ! openssl verify -CAfile "$3" -purpose sslserver "$1" >/dev/null 2>&1; then
    echo "it is not signed by the current CA"
  elif ! tls_not_expired "$1" "$TLS_RENEW_BEFORE"; then
    echo "it expires on $(tls_enddate "$1")"
  else
    local entry check
    for entry in ${4//,/ }; do
      case "$entry" in
        DNS:*) check=(-checkhost "${entry#DNS:}") ;;
        IP:*) check=(-checkip "${entry#IP:}") ;;
        *) continue ;;
      esac
      if ! openssl x509 -in "$1" -noout "${check[@]}" 2>/dev/null | grep -q ' does match'; then
        echo "it does not cover ${entry#*:}"
        return 0
      fi
    done
  fi
}

# A CA from config (way 2): readable, a CA, not expired, and its key. Dies with the reason.
tls_check_ca() { # cert key
  [ -r "$1" ] || die "WEBKVM_CA_CERT=$1: no such file (or not readable)"
  [ -r "$2" ] || die "WEBKVM_CA_KEY=$2: no such file (or not readable)"
  tls_is_cert "$1" || die "WEBKVM_CA_CERT=$1 is not a PEM certificate"
  tls_is_ca "$1" || die "WEBKVM_CA_CERT=$1 is not a CA certificate (no basicConstraints CA:TRUE)"
  tls_not_expired "$1" || die "the CA $1 expired on $(tls_enddate "$1")"
  openssl pkey -in "$2" -passin pass: -noout 2>/dev/null ||
    die "WEBKVM_CA_KEY=$2 is not a PEM private key, or it is encrypted (the installer needs it unencrypted)"
  tls_key_matches "$1" "$2" || die "WEBKVM_CA_KEY=$2 is not the key of the CA $1 (their public keys differ)"
  case "$(stat -c '%a' "$2")" in
    600 | 400) ;;
    *) warn "the CA key $2 is readable by others (mode $(stat -c '%a %U:%G' "$2")): chmod 600 it" ;;
  esac
}

# The user's own certificate (way 3): readable, a certificate, not expired, and its key.
tls_check_own() { # cert key
  [ -r "$1" ] || die "WEBKVM_TLS_CERT=$1: no such file (or not readable)"
  [ -r "$2" ] || die "WEBKVM_TLS_KEY=$2: no such file (or not readable)"
  tls_is_cert "$1" || die "WEBKVM_TLS_CERT=$1 is not a PEM certificate"
  openssl pkey -in "$2" -passin pass: -noout 2>/dev/null ||
    die "WEBKVM_TLS_KEY=$2 is not a PEM private key, or it is encrypted (the bridge needs it unencrypted)"
  tls_key_matches "$1" "$2" ||
    die "WEBKVM_TLS_KEY=$2 does not belong to the certificate $1 (their public keys differ)"
  tls_not_expired "$1" || die "the certificate $1 expired on $(tls_enddate "$1")"
  tls_not_expired "$1" "$TLS_RENEW_BEFORE" || warn "the certificate $1 expires on $(tls_enddate "$1"): renew it"
}

# Way 1: keeps a local CA that is whole and valid for another 30 days, else makes one. Sets nothing
# else: the caller copies it to ca.pem.
tls_local_ca() { # dir host
  local ca="$1/local-ca.pem" key="$1/local-ca.key"
  if [ -f "$ca" ] && [ -f "$key" ] && tls_key_matches "$ca" "$key" && tls_not_expired "$ca" "$TLS_RENEW_BEFORE"; then
    log "keeping the local CA $ca (until $(tls_enddate "$ca"))"
  else
    [ ! -f "$ca" ] || warn "the local CA $ca is expiring or broken: making a new one (browsers must trust it again)"
    log "making a local CA for $2 (EC P-256, $TLS_CA_DAYS days, only for $2, $2.local, localhost and private addresses)"
    tls_make_ca "$ca" "$key" "/CN=webkvm CA for $2 ($(date -u +%F))/O=webkvm" "$(tls_name_constraints "$2")"
    changed "$ca and $key (new local CA)"
  fi
  ensure_perms "$key" 0600 root:root
  ensure_perms "$ca" 0644 root:root
}

# The bridge's certificate in `dir` (cert.pem, key.pem; ca.pem for the port-80 page) the way
# `conf` says. The key is for root and `group` (the service's) only; CA keys are root-only.
# Idempotent: a re-run keeps every file that is still right, so browsers keep trusting them.
ensure_tls() { # dir group conf
  local dir=$1 group=$2 conf=$3 host
  local cert="$1/cert.pem" key="$1/key.pem" ca="$1/ca.pem"
  local own_cert own_key own_ca shared_cert shared_key
  host=$(tls_hostname)
  own_cert=$(tls_conf "$conf" WEBKVM_TLS_CERT)
  own_key=$(tls_conf "$conf" WEBKVM_TLS_KEY)
  own_ca=$(tls_conf "$conf" WEBKVM_TLS_CA)
  shared_cert=$(tls_conf "$conf" WEBKVM_CA_CERT)
  shared_key=$(tls_conf "$conf" WEBKVM_CA_KEY)
  ensure_dir "$dir" 0750 "root:$group"
  if [ -n "$own_cert$own_key" ]; then
    TLS_MODE=own
    if [ -z "$own_cert" ] || [ -z "$own_key" ]; then die "$conf: set both WEBKVM_TLS_CERT and WEBKVM_TLS_KEY"; fi
    tls_check_own "$own_cert" "$own_key"
    log "using your certificate $own_cert ($(openssl x509 -in "$own_cert" -noout -subject), until $(tls_enddate "$own_cert"))"
    put_file "$own_cert" "$cert" 0644 root:root
    put_file "$own_key" "$key" 0640 "root:$group"
    if [ -n "$own_ca" ]; then
      if ! tls_is_cert "$own_ca" || ! tls_is_ca "$own_ca"; then die "WEBKVM_TLS_CA=$own_ca is not a PEM CA certificate"; fi
      put_file "$own_ca" "$ca" 0644 root:root
    else
      remove_path "$ca"
    fi
  else
    local ca_cert ca_key san reason
    if [ -n "$shared_cert$shared_key" ]; then
      TLS_MODE=shared-ca
      if [ -z "$shared_cert" ] || [ -z "$shared_key" ]; then die "$conf: set both WEBKVM_CA_CERT and WEBKVM_CA_KEY"; fi
      tls_check_ca "$shared_cert" "$shared_key"
      log "signing with the shared CA $shared_cert ($(openssl x509 -in "$shared_cert" -noout -subject))"
      ca_cert=$shared_cert ca_key=$shared_key
    else
      TLS_MODE=local-ca
      tls_local_ca "$dir" "$host"
      ca_cert=$dir/local-ca.pem ca_key=$dir/local-ca.key
      # Its name constraint is this host's name at the time it was made.
      tls_dns_permitted "$host" "$(tls_ca_dns_permitted "$ca_cert")" ||
        die "the local CA $ca_cert may not sign for $host (the hostname changed since it was made). Start over with: sudo rm $dir/local-ca.pem $dir/local-ca.key, re-run, and trust the new CA again"
    fi
    put_file "$ca_cert" "$ca" 0644 root:root
    san=$(tls_san "$host" "$ca_cert")
    reason=$(tls_reissue_reason "$cert" "$key" "$ca" "$san")
    if [ -z "$reason" ]; then
      log "keeping the certificate $cert (until $(tls_enddate "$cert"))"
    else
      log "issuing the device certificate for $san: $reason"
      if ! tls_issue "$cert" "$key" "$ca_cert" "$ca_key" "$san" "$host" "$TLS_DAYS"; then
        die "the CA $ca_cert may not sign a certificate for $san (openssl's reason above; its name constraints must permit these names and addresses)"
      fi
      changed "$cert and $key (signed by $ca_cert)"
    fi
  fi
  ensure_perms "$key" 0640 "root:$group"
  ensure_perms "$cert" 0644 root:root
  TLS_CA_FINGERPRINT=
  [ ! -f "$ca" ] || TLS_CA_FINGERPRINT=$(tls_fingerprint "$ca")
  log "TLS: $TLS_MODE${TLS_CA_FINGERPRINT:+; CA SHA-256 $TLS_CA_FINGERPRINT}"
}
