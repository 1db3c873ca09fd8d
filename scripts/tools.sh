# Installs what building and testing SagaScope needs, only if missing, and
# puts it on PATH. Sourced by scripts/serve and scripts/test; safe to run
# again. Nothing here downloads a prebuilt binary: everything comes from
# rustup, crates.io, npm or Debian's packages.

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$ROOT/.tools"
TRUNK_VERSION="0.21.14"
BINARYEN_VERSION="132"
ESBUILD_VERSION="0.28.2"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

need_root_or_sudo() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# The wasm-bindgen version Cargo.lock pins; the CLI must match it exactly.
wasm_bindgen_version() {
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$ROOT/Cargo.lock"
}

ensure_wasm_target() {
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "installing the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
}

ensure_lint_tools() {
  local missing=()
  cargo fmt --version >/dev/null 2>&1 || missing+=(rustfmt)
  cargo clippy --version >/dev/null 2>&1 || missing+=(clippy)
  if [ "${#missing[@]}" -gt 0 ]; then
    say "installing ${missing[*]} (rustup components)"
    rustup component add "${missing[@]}"
  fi
}

ensure_trunk() {
  if ! trunk --version 2>/dev/null | grep -q "$TRUNK_VERSION"; then
    say "installing trunk $TRUNK_VERSION (about 7 minutes on 2 cores)"
    cargo install trunk --version "$TRUNK_VERSION" --locked
  fi
}

ensure_wasm_bindgen() {
  local want
  want="$(wasm_bindgen_version)"
  grep -q "wasm_bindgen = \"$want\"" "$ROOT/Trunk.toml" || {
    echo "Trunk.toml's wasm_bindgen must be $want, the version in Cargo.lock" >&2
    exit 1
  }
  if ! wasm-bindgen --version 2>/dev/null | grep -q " $want"; then
    say "installing wasm-bindgen-cli $want (about 2 minutes)"
    # Not --locked: its lockfile pins a crate release the registry no longer serves.
    cargo install wasm-bindgen-cli --version "$want" --force
  fi
}

ensure_node_tools() {
  if [ ! -x "$TOOLS/node_modules/.bin/wasm-opt" ] || [ ! -x "$TOOLS/node_modules/.bin/esbuild" ]; then
    say "installing wasm-opt (binaryen@$BINARYEN_VERSION) and esbuild@$ESBUILD_VERSION from npm"
    mkdir -p "$TOOLS"
    npm install --prefix "$TOOLS" --no-save --no-audit --no-fund "binaryen@$BINARYEN_VERSION" "esbuild@$ESBUILD_VERSION" >&2
  fi
  # First on PATH, so an old system wasm-opt never breaks a release build.
  export PATH="$TOOLS/node_modules/.bin:$PATH"
}

ensure_chromium() {
  if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
    say "installing Chromium and chromedriver (Debian packages)"
    need_root_or_sudo apt-get update
    need_root_or_sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium chromium-driver
  fi
}

ensure_build_tools() {
  ensure_wasm_target
  ensure_trunk
  ensure_wasm_bindgen
  ensure_node_tools
}

# The browser tests' and the example deck's npm packages (playwright-core,
# axe-core, reveal.js), exactly as tests/browser/package-lock.json pins them.
ensure_test_packages() {
  local dir="$ROOT/tests/browser/node_modules"
  if [ ! -d "$dir/playwright-core" ] || [ ! -d "$dir/axe-core" ] || [ ! -d "$dir/reveal.js" ]; then
    say "installing the test packages (npm ci in tests/browser)"
    npm ci --prefix "$ROOT/tests/browser" --no-audit --no-fund >&2
  fi
}

# Writes the example deck into dist/deck/ (after a build): its page, script
# and style from assets/deck/, and reveal.js's files from npm.
build_deck() {
  ensure_test_packages
  local reveal="$ROOT/tests/browser/node_modules/reveal.js/dist" deck="$ROOT/dist/deck"
  mkdir -p "$deck/reveal/theme"
  cp "$ROOT"/assets/deck/* "$deck/"
  cp "$reveal/reveal.js" "$reveal/reveal.css" "$deck/reveal/"
  cp "$reveal/theme/white.css" "$deck/reveal/theme/"
}

# Writes dist/sagascope-offline.html (after a build): the whole app and its
# lessons in one file that opens from file:// (scripts/single-file.mjs).
build_single_file() {
  node "$ROOT/scripts/single-file.mjs" "$ROOT/dist" "$ROOT/dist/sagascope-offline.html"
}
