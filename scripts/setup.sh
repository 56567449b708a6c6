#!/usr/bin/env bash
# leadroute: install (only) what is missing to build and test the project.
#
#   bash scripts/setup.sh          # check + install, one line per piece
#   source scripts/setup.sh        # same, and keep the PATH/env in the caller
#
# Idempotent: a re-run on a ready machine only checks versions (< 2 s).
# Facts behind the choices: /work/shared/TOOLCHAIN.md
#  - wasm-bindgen-cli must equal the wasm-bindgen version in Cargo.lock; `--locked` fails here.
#  - wasm-opt comes from the npm package `binaryen` (node_modules/.bin first on PATH);
#    Debian's binaryen (v108) emits modules that fail to load. Never use it.
set -euo pipefail

LEADROUTE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export LEADROUTE_ROOT

# ---- environment (also what build.sh / test.sh / run.sh rely on) ------------------------
_lr_cargo_bin="${CARGO_HOME:-$HOME/.cargo}/bin"
case ":$PATH:" in *":$_lr_cargo_bin:"*) ;; *) PATH="$_lr_cargo_bin:$PATH" ;; esac
# node_modules/.bin goes FIRST so its wasm-opt (binaryen 132) wins over anything else.
PATH="$LEADROUTE_ROOT/node_modules/.bin:$PATH"
export PATH
export CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}"
# Anything wasm-pack would cache/download stays inside target/ (it should never need to).
export WASM_PACK_CACHE="${WASM_PACK_CACHE:-$LEADROUTE_ROOT/target/wasm-pack-cache}"

if [[ "${LEADROUTE_SETUP_DONE:-}" == "1" ]]; then
  return 0 2>/dev/null || exit 0   # already checked by a parent script: env only
fi

WASM_PACK_VERSION="0.15.1"
BINARYEN_MAJOR="132"

_lr_say() { printf '  %-22s %s\n' "$1" "$2"; }
_lr_die() { printf 'setup: %s\n' "$*" >&2; return 1 2>/dev/null || exit 1; }

# Installs crate $2 at exactly version $3 unless `$4 --version` reports it already ($4 may
# be two words, e.g. "cargo fuzz"); $5 says how long it takes; more cargo flags follow.
_lr_cargo_tool() {
  local label="$1" crate="$2" version="$3" cmd="$4" took="$5" have
  shift 5
  # shellcheck disable=SC2086 # $cmd is a command and its subcommand
  have="$($cmd --version 2>/dev/null | awk '{print $2}' || true)"
  if [[ "$have" == "$version" ]]; then
    _lr_say "$label" "present ($version)"
  else
    printf '  %-22s installing %s (have: %s; %s)...\n' "$label" "$version" "${have:-none}" "$took"
    cargo install "$crate" --version "=$version" --force --quiet "$@"
    _lr_say "$label" "installed ($version)"
  fi
}

_lr_sudo() {
  if [[ "$(id -u)" == "0" ]]; then "$@"; else sudo "$@"; fi
}

echo "setup: checking toolchain"

# ---- rust --------------------------------------------------------------------------------
command -v cargo >/dev/null 2>&1 || _lr_die "cargo not found: install Rust via rustup first"
command -v rustup >/dev/null 2>&1 || _lr_die "rustup not found: it is needed to add the wasm32 target"
_lr_say "rust" "present ($(rustc --version | cut -d' ' -f2))"

_lr_components="$(rustup component list --installed 2>/dev/null || true)"
for _lr_c in rustfmt clippy; do
  if grep -q "^$_lr_c" <<<"$_lr_components"; then
    _lr_say "$_lr_c" "present"
  else
    rustup component add "$_lr_c" >/dev/null
    _lr_say "$_lr_c" "installed"
  fi
done

if rustup target list --installed | grep -qx 'wasm32-unknown-unknown'; then
  _lr_say "wasm32 target" "present"
else
  rustup target add wasm32-unknown-unknown >/dev/null
  _lr_say "wasm32 target" "installed"
fi

# ---- wasm-bindgen-cli: exactly the version in Cargo.lock ---------------------------------
_lr_wb_version=""
if [[ -f "$LEADROUTE_ROOT/Cargo.lock" ]]; then
  _lr_wb_version="$(awk '
    /^\[\[package\]\]/ { name = "" }
    /^name = / { gsub(/"/, "", $3); name = $3 }
    /^version = / && name == "wasm-bindgen" { gsub(/"/, "", $3); print $3; exit }
  ' "$LEADROUTE_ROOT/Cargo.lock")"
fi
if [[ -z "$_lr_wb_version" ]]; then
  # No lock file yet (fresh checkout before the first cargo command): use the exact pin.
  _lr_wb_version="$(sed -n 's/^wasm-bindgen *= *{\{0,1\}.*"=\([0-9][0-9.]*\)".*/\1/p' \
    "$LEADROUTE_ROOT/wasm/Cargo.toml" | head -n1)"
fi
[[ -n "$_lr_wb_version" ]] || _lr_die "cannot find the wasm-bindgen version (Cargo.lock / wasm/Cargo.toml)"

# NOT --locked: a locked dependency version is missing from the registry here.
_lr_cargo_tool "wasm-bindgen-cli" wasm-bindgen-cli "$_lr_wb_version" wasm-bindgen "~2 min"

# ---- wasm-pack ---------------------------------------------------------------------------
_lr_cargo_tool "wasm-pack" wasm-pack "$WASM_PACK_VERSION" wasm-pack "~2 min" --locked

# ---- cargo-fuzz (scripts/fuzz.sh); libFuzzer needs the nightly toolchain ------------------
CARGO_FUZZ_VERSION="0.13.2"
if ! rustup run nightly rustc --version >/dev/null 2>&1; then
  echo "  nightly toolchain      installing (libFuzzer needs it; ~1 min)..."
  rustup toolchain install nightly --profile minimal >/dev/null 2>&1 \
    || _lr_die "rustup toolchain install nightly failed (needed by scripts/fuzz.sh)"
  _lr_say "nightly toolchain" "installed ($(rustup run nightly rustc --version | awk '{print $2}'))"
fi
_lr_cargo_tool "cargo-fuzz" cargo-fuzz "$CARGO_FUZZ_VERSION" "cargo fuzz" "~1 min" --locked

# ---- node + npm dev dependencies (binaryen/wasm-opt, playwright-core, workerd, typescript)
command -v node >/dev/null 2>&1 || _lr_die "node not found: install Node.js >= 20"
command -v npm >/dev/null 2>&1 || _lr_die "npm not found: install npm"
_lr_node_major="$(node -p 'process.versions.node.split(".")[0]')"
[[ "$_lr_node_major" -ge 20 ]] || _lr_die "node $(node --version) is too old: need >= 20"
_lr_say "node" "present ($(node --version))"

_lr_stamp="$LEADROUTE_ROOT/node_modules/.leadroute-npm-ci.stamp"
if [[ -d "$LEADROUTE_ROOT/node_modules" && -f "$_lr_stamp" \
      && ! "$LEADROUTE_ROOT/package-lock.json" -nt "$_lr_stamp" \
      && ! "$LEADROUTE_ROOT/package.json" -nt "$_lr_stamp" ]]; then
  _lr_say "node_modules" "present"
else
  (cd "$LEADROUTE_ROOT" && npm ci --no-audit --no-fund --loglevel=error 2>&1 \
      | grep -v 'Unknown user config' || true)
  [[ -x "$LEADROUTE_ROOT/node_modules/.bin/wasm-opt" ]] || _lr_die "npm ci failed (no node_modules/.bin/wasm-opt)"
  touch "$_lr_stamp"
  _lr_say "node_modules" "installed (npm ci)"
fi

_lr_wo="$(command -v wasm-opt || true)"
[[ "$_lr_wo" == "$LEADROUTE_ROOT/node_modules/.bin/wasm-opt" ]] \
  || _lr_die "wasm-opt on PATH is '$_lr_wo', expected node_modules/.bin/wasm-opt (npm binaryen)"
_lr_wo_version="$(wasm-opt --version | awk '{print $3}')"
[[ "$_lr_wo_version" == "$BINARYEN_MAJOR" ]] \
  || _lr_die "wasm-opt version $_lr_wo_version, expected $BINARYEN_MAJOR (npm binaryen)"
_lr_say "wasm-opt" "present (binaryen $_lr_wo_version, node_modules/.bin)"

# ---- Chromium + chromedriver (wasm-pack test --chrome, playwright-core) -------------------
if dpkg -s chromium chromium-driver >/dev/null 2>&1; then
  _lr_say "chromium+driver" "present"
else
  echo "  chromium+driver        installing via apt (~20 s)..."
  export DEBIAN_FRONTEND=noninteractive
  _lr_sudo apt-get update -qq >/dev/null
  _lr_sudo apt-get install -y -qq chromium chromium-driver >/dev/null
  _lr_say "chromium+driver" "installed"
fi

export LEADROUTE_SETUP_DONE=1
echo "setup: ready"
