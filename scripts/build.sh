#!/usr/bin/env bash
# leadroute: build the npm package into pkg/ (web, node, bundler targets + package files).
#
#   bash scripts/build.sh
#
# Uses only tools on PATH (set by setup.sh): wasm-bindgen from ~/.cargo/bin (must match
# Cargo.lock), wasm-opt from node_modules/.bin (npm binaryen). `--mode no-install` makes
# wasm-pack fail instead of downloading anything.
set -euo pipefail
# shellcheck source=scripts/setup.sh
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$LEADROUTE_ROOT"

build_start=$SECONDS
rm -rf pkg
mkdir -p pkg

# 1. Compile once, with live output: exactly the command wasm-pack runs, so its own
#    cargo step below is a no-op.
echo "build: cargo build --lib --release (wasm32-unknown-unknown)"
(cd wasm && CARGO_BUILD_TARGET=wasm32-unknown-unknown cargo build --lib --release)

# 2. wasm-bindgen + wasm-opt for the three targets, in parallel (each log printed after).
log_dir="$LEADROUTE_ROOT/target/build-logs"
mkdir -p "$log_dir"
dirs=()
pids=()
# dir name in pkg/ -> wasm-pack target
for pair in web:web node:nodejs bundler:bundler; do
  dir="${pair%%:*}"
  target="${pair#*:}"
  echo "build: wasm-pack --target $target -> pkg/$dir"
  wasm-pack --log-level warn build wasm \
    --release \
    --mode no-install \
    --target "$target" \
    --out-dir "../pkg/$dir" \
    --out-name leadroute_wasm \
    --no-pack --no-gitignore \
    >"$log_dir/$dir.log" 2>&1 &
  dirs+=("$dir")
  pids+=("$!")
done
failed=0
for i in "${!pids[@]}"; do
  dir="${dirs[$i]}"
  if ! wait "${pids[$i]}"; then
    echo "build: wasm-pack for pkg/$dir FAILED:" >&2
    cat "$log_dir/$dir.log" >&2
    failed=1
    continue
  fi
  # cargo's own output was shown in step 1; show only wasm-pack's warnings/errors here.
  grep -E '^\[WARN\]|^Error' "$log_dir/$dir.log" | sed "s|^|  [$dir] |" || true
  # The npm package has ONE package.json/README at pkg/ (from pkg-config/).
  rm -f "pkg/$dir/package.json" "pkg/$dir/.gitignore" "pkg/$dir/README.md" "pkg/$dir/LICENSE"*
  if [[ ! -f "pkg/$dir/leadroute_wasm_bg.wasm" || ! -f "pkg/$dir/leadroute_wasm.js" ]]; then
    echo "build: pkg/$dir is incomplete" >&2
    failed=1
  fi
done
(( failed == 0 )) || exit 1

# The package's own files: package.json, README.md, node/package.json (CommonJS marker),
# node/index.mjs (ESM wrapper), ...
cp -R pkg-config/. pkg/

wasm="pkg/web/leadroute_wasm_bg.wasm"
raw=$(wc -c <"$wasm")
gz=$(gzip -9 -c "$wasm" | wc -c)
awk -v f="$wasm" -v r="$raw" -v g="$gz" \
  'BEGIN { printf "build: %s  %d bytes raw (%.1f KiB), %d bytes gzip -9 (%.1f KiB)\n", f, r, r/1024, g, g/1024 }'
echo "build: done in $((SECONDS - build_start)) s -> pkg/"
