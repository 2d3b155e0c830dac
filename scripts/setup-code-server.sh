#!/usr/bin/env bash
# Installs code-server 4.100.3 (VS Code 1.100.3 in the browser, with a real Node extension
# host) for the end-to-end test. @vscode/test-electron cannot download VS Code on these
# machines, but code-server comes from npm. 4.100.x is the last line that runs on Node 20.
# Lives outside the repo (EP_CODE_SERVER_DIR) so `npm ci` never touches it; idempotent:
# a marker file written at the very end makes later runs a no-op.
# Debian packages it builds against come from scripts/setup-system.sh.
set -euo pipefail

VERSION=4.100.3
DIR="${EP_CODE_SERVER_DIR:-$HOME/.cache/endpoint-profiler/code-server}"
MARKER="$DIR/.complete-$VERSION"
[ -f "$MARKER" ] && exit 0

start=$(date +%s)
log() { echo "setup-code-server: $*"; }
NPM_QUIET=(--no-audit --no-fund --loglevel=error)

mkdir -p "$DIR"
log "installing code-server@$VERSION into $DIR"
# --ignore-scripts: code-server's own postinstall would fetch prebuilt binaries; we build below.
npm install --prefix "$DIR" --ignore-scripts "${NPM_QUIET[@]}" "code-server@$VERSION"

CS="$DIR/node_modules/code-server"
VS="$CS/lib/vscode"

log "installing VS Code's runtime modules"
(cd "$VS" && npm install --omit=dev --ignore-scripts "${NPM_QUIET[@]}")

# Search in files needs ripgrep; its npm package would download the binary.
mkdir -p "$VS/node_modules/@vscode/ripgrep/bin"
cp -f "$(command -v rg)" "$VS/node_modules/@vscode/ripgrep/bin/rg"

log "building native modules"
(cd "$VS" && npm rebuild "${NPM_QUIET[@]}" @parcel/watcher @vscode/spdlog kerberos native-watchdog @vscode/deviceid)
# node-pty's install script builds pty.node and then fails downloading a prebuilt helper;
# the built pty.node is all the terminal needs, so only its absence is an error.
PTY_LOG="$DIR/node-pty-rebuild.log"
(cd "$VS" && npm rebuild "${NPM_QUIET[@]}" node-pty) >"$PTY_LOG" 2>&1 || true
[ -f "$VS/node_modules/node-pty/build/Release/pty.node" ] || { cat "$PTY_LOG" >&2; echo "setup-code-server: node-pty did not build" >&2; exit 1; }

# code-server's server loads modules from node_modules.asar (the packaged layout).
[ -e "$VS/node_modules.asar" ] || ln -s node_modules "$VS/node_modules.asar"
ln -sfn code-linux.sh "$VS/bin/remote-cli/code-server"
ln -sfn browser-linux.sh "$VS/bin/helpers/browser.sh"

log "installing built-in extensions' modules"
(cd "$VS/extensions" && npm install --omit=dev --ignore-scripts "${NPM_QUIET[@]}")

# argon2 (password hashing, loaded at startup even with --auth none) is hoisted to the top.
log "building argon2"
npm rebuild --prefix "$DIR" "${NPM_QUIET[@]}" argon2

node "$CS/out/node/entry.js" --version
touch "$MARKER"
log "done in $(( $(date +%s) - start )) s: $CS/out/node/entry.js"
