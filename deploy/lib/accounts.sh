# shellcheck shell=bash
# Accounts: the bridge keeps users, sessions and the setup token in its StateDirectory,
# /var/lib/webkvm (webkvm, 0700; the one place ProtectSystem=strict leaves it writable). There is
# no default password: until an admin exists only the setup page works, and the installer prints
# a one-time setup link (one use, 1 h) made by `webkvm-user setup-link`.

# The state directory, made here as well as by systemd's StateDirectory= so that webkvm-user
# works before the bridge ever started (chroot, image build). Files left owned by root (an
# uninstall hands them to root) go back to the service user.
ensure_state_dir() {
  ensure_dir "$STATE_DIR" 0700 "$SERVICE_USER:$SERVICE_USER"
  if [ -n "$(find "$STATE_DIR" -mindepth 1 \( ! -user "$SERVICE_USER" -o ! -group "$SERVICE_USER" \) -print -quit)" ]; then
    chown -R "$SERVICE_USER:$SERVICE_USER" "$STATE_DIR"
    changed "$STATE_DIR/* (owner $SERVICE_USER)"
  fi
}

install_user_command() {
  # Not a pipe: put_content must run in this shell to record WROTE and CHANGES.
  put_content "$USER_CMD" 0755 root:root < <(sed "s|@NODE@|$NODE_BIN|g" "$DEPLOY_DIR/bin/webkvm-user")
  log "account tool: sudo $(basename "$USER_CMD") add|passwd|role|del|list|setup-link"
}

# While no admin exists, a fresh setup link (replacing any earlier one); otherwise the accounts.
# Not a change in the CHANGES sense: the token is state, like a session.
print_accounts() {
  local out
  if ! out=$("$USER_CMD" setup-link 2>&1); then
    warn "could not make a setup link: $out"
    warn "try again with: sudo $(basename "$USER_CMD") setup-link"
    return 0
  fi
  case "$out" in
    "an admin exists"*)
      log "accounts: $("$USER_CMD" list 2>/dev/null | wc -l) user(s) in $STATE_DIR/users.json; manage them with sudo $(basename "$USER_CMD")"
      ;;
    *)
      log "no admin account yet: open this link to create one (no default password)"
      while IFS= read -r line; do log "$line"; done <<<"$out"
      log "a new link any time: sudo $(basename "$USER_CMD") setup-link"
      ;;
  esac
}
