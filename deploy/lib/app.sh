# shellcheck shell=bash
# The application in /opt/webkvm: a copy of the checkout (no .git, node_modules or build output),
# its production dependencies and the built PWA. Built in a staging directory and swapped in at
# the end, so a failed npm step leaves the installed version running. Owned by root and
# read-only for the service (which also runs under ProtectSystem=strict).

readonly APP_STAMP=.webkvm-install
# Not copied: VCS data, dependencies and build output (rebuilt here), local run state.
# The stamp too, so running /opt/webkvm/deploy/install.sh itself gives a stable fingerprint.
readonly APP_EXCLUDES=(.git node_modules web/dist .tsbuild .run test-results '*.log' "$APP_STAMP")


# A hash of everything that goes into the install: the copied sources, the node that builds
# and runs them (native modules depend on its ABI) and the CPU architecture.
app_fingerprint() { # checkout
  local excludes=() e
  for e in "${APP_EXCLUDES[@]}"; do excludes+=("--exclude=./$e"); done
  {
    tar -C "$1" --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner \
      "${excludes[@]}" -cf - . | sha256sum
    echo "node $("$NODE_BIN" --version) $(uname -m)"
  } | sha256sum | cut -d' ' -f1
}

# Confirms that the installed tree can run: dependencies resolve, uWebSockets.js has a binary
# for this node, and the PWA was built.
app_smoke_test() { # dir
  [ -f "$1/web/dist/index.html" ] || die "the build left no $1/web/dist/index.html"
  (cd "$1" && "$NODE_BIN" --input-type=module -e "await import('uWebSockets.js'); await import('tsx/esm/api');") ||
    die "Node $("$NODE_BIN" --version) in $1 cannot load uWebSockets.js or tsx (uWebSockets.js ships binaries for Node 18, 20, 21 and 22 on glibc Linux only)"
}

# npm ci, the reproducible install. One known failure gets a fallback: a package-lock.json
# written against a registry mirror that lacks some platforms' optional packages (rollup's and
# msgpackr-extract's native builds) is "out of sync" for npm ci everywhere, while npm install
# still installs every locked version and adds only this platform's missing optional package.
npm_install_all() { # dir
  local log
  log=$(mktemp)
  log "npm ci (all dependencies, for the build)"
  if (cd "$1" && "$NPM_BIN" ci --no-audit --no-fund --loglevel=error) 2>"$log"; then
    rm -f "$log"
    return 0
  fi
  if grep -q 'can only install packages when your package.json and package-lock.json' "$log"; then
    warn "npm ci says package-lock.json is out of sync: $(grep -m3 'Missing:' "$log" | sed 's/^npm error //' | paste -sd ';' -)..."
    warn "falling back to npm install --no-save, which keeps every locked version; regenerate package-lock.json to restore npm ci"
    rm -f "$log"
    (cd "$1" && "$NPM_BIN" install --no-save --no-audit --no-fund --loglevel=error) ||
      die "npm install failed in $1 (the npm registry must be reachable; see the npm log above)"
    return 0
  fi
  cat "$log" >&2
  rm -f "$log"
  die "npm ci failed in $1 (the npm registry must be reachable; see the npm log above)"
}

ensure_app() { # checkout
  local src=$1 fp staging excludes=() e
  fp=$(app_fingerprint "$src")
  if [ -f "$APP_DIR/$APP_STAMP" ] && [ "$(cat "$APP_DIR/$APP_STAMP")" = "$fp" ]; then
    log "$APP_DIR is up to date with $src (fingerprint ${fp:0:12})"
    return 0
  fi
  staging="$APP_DIR.new"
  rm -rf "$staging"
  install -d -m 0755 "$staging"
  for e in "${APP_EXCLUDES[@]}"; do excludes+=("--exclude=./$e"); done
  log "copying $src to $staging"
  tar -C "$src" "${excludes[@]}" -cf - . | tar -C "$staging" --no-same-owner -xf -
  chown -R root:root "$staging"
  chmod -R u+rwX,go+rX,go-w "$staging"

  npm_install_all "$staging"
  log "npm run build (the PWA into web/dist)"
  (cd "$staging" && "$NPM_BIN" run build --silent >/dev/null) ||
    die "npm run build failed in $staging; run it there by hand to see why"
  log "npm prune --omit=dev (keep only what the bridge and gadget setup run)"
  (cd "$staging" && "$NPM_BIN" prune --omit=dev --no-audit --no-fund --loglevel=error) ||
    die "npm prune --omit=dev failed in $staging"
  app_smoke_test "$staging"
  chmod -R go-w "$staging"
  echo "$fp" >"$staging/$APP_STAMP"

  if [ -d "$APP_DIR" ]; then
    rm -rf "$APP_DIR.old"
    mv "$APP_DIR" "$APP_DIR.old"
  fi
  mv "$staging" "$APP_DIR"
  rm -rf "$APP_DIR.old"
  changed "$APP_DIR (installed from $src, fingerprint ${fp:0:12})"
}
