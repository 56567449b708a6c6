#!/usr/bin/env bash
# leadroute: build the npm package into pkg/: two modules from the one binding crate, each
# with a web and a node target sharing ONE .wasm.
#
#   bash scripts/build.sh
#
#   pkg/web, pkg/node              the full module (default features: Router, Simulation, ...)
#   pkg/route/web, pkg/route/node  the route module (--no-default-features: no Simulation,
#                                  report, CSV or tz-history), for forms and edge workers
#
# Uses only tools on PATH (set by setup.sh): wasm-bindgen from ~/.cargo/bin (must match
# Cargo.lock), wasm-opt from node_modules/.bin (npm binaryen).
set -euo pipefail
# shellcheck source=scripts/setup.sh
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$LEADROUTE_ROOT"

build_start=$SECONDS
rm -rf pkg
mkdir -p pkg

target_base="${CARGO_TARGET_DIR:-$LEADROUTE_ROOT/target}"
log_dir="$LEADROUTE_ROOT/target/build-logs"
mkdir -p "$log_dir"
# One list of wasm-opt flags: the one wasm-pack would read.
read -r -a opt_flags <<<"$(sed -n 's/^wasm-opt *= *\[\(.*\)\]/\1/p' wasm/Cargo.toml | tr -d '",')"
(( ${#opt_flags[@]} > 0 )) || { echo "build: no wasm-opt flags in wasm/Cargo.toml" >&2; exit 1; }

# build_module OUT TARGET_DIR [cargo args...]: cargo (its own target dir, so the two modules
# compile in parallel without fighting over one lock or one output file), wasm-bindgen per
# target, wasm-opt ONCE. wasm-bindgen's web and nodejs targets differ only in the JS glue
# (the .wasm bytes are identical, checked here), so node/ loads web/'s optimised .wasm.
build_module() {
  local out="$1" tdir="$2"
  shift 2
  (cd wasm && CARGO_TARGET_DIR="$tdir" cargo build --lib --release --target wasm32-unknown-unknown "$@")
  local raw="$tdir/wasm32-unknown-unknown/release/leadroute_wasm.wasm"
  local tmp="$tdir/bindgen-node"
  rm -rf "$tmp"
  wasm-bindgen "$raw" --target web --out-dir "$out/web" --out-name leadroute_wasm
  wasm-bindgen "$raw" --target nodejs --out-dir "$tmp" --out-name leadroute_wasm
  if ! cmp -s "$out/web/leadroute_wasm_bg.wasm" "$tmp/leadroute_wasm_bg.wasm"; then
    echo "build: wasm-bindgen's web and nodejs .wasm differ: node/ cannot share web/'s" >&2
    return 1
  fi
  wasm-opt "${opt_flags[@]}" "$out/web/leadroute_wasm_bg.wasm" -o "$out/web/leadroute_wasm_bg.wasm"
  mkdir -p "$out/node"
  cp "$tmp/leadroute_wasm.js" "$tmp/leadroute_wasm.d.ts" "$out/node/"
  local from='`${__dirname}/leadroute_wasm_bg.wasm`'
  local to='`${__dirname}/../web/leadroute_wasm_bg.wasm`'
  if [[ $(grep -cF "$from" "$out/node/leadroute_wasm.js") != 1 ]]; then
    echo "build: $out/node/leadroute_wasm.js: the .wasm path line changed (wasm-bindgen update?)" >&2
    return 1
  fi
  local glue
  glue="$(<"$out/node/leadroute_wasm.js")"
  printf '%s\n' "${glue/"$from"/"$to"}" >"$out/node/leadroute_wasm.js"
  # node/: the CommonJS marker and the ESM wrapper
  cp -R pkg-config/node/. "$out/node/"
}

# The two modules in parallel (2 cores: LTO with one codegen unit is mostly one thread each),
# live output prefixed by module.
names=(full route)
outs=(pkg pkg/route)
tdirs=("$target_base" "$target_base/route")
extra=("" "--no-default-features")
pids=()
for i in 0 1; do
  echo "build: ${names[$i]} module -> ${outs[$i]}/{web,node}"
  # shellcheck disable=SC2086
  (build_module "${outs[$i]}" "${tdirs[$i]}" ${extra[$i]} 2>&1 | tee "$log_dir/${names[$i]}.log" \
    | sed -u "s|^|  [${names[$i]}] |"; exit "${PIPESTATUS[0]}") &
  pids+=("$!")
done
failed=0
for i in 0 1; do
  if ! wait "${pids[$i]}"; then
    echo "build: the ${names[$i]} module FAILED (log: $log_dir/${names[$i]}.log)" >&2
    failed=1
  fi
done
(( failed == 0 )) || exit 1

# The package's own files: package.json, README.md (node/ was merged per module above).
cp pkg-config/package.json pkg-config/README.md LICENSE pkg/
cp -R pkg-config/cli pkg/

for i in 0 1; do
  wasm="${outs[$i]}/web/leadroute_wasm_bg.wasm"
  glue="${outs[$i]}/web/leadroute_wasm.js"
  awk -v m="${names[$i]}" -v f="$wasm" -v r="$(wc -c <"$wasm")" -v g="$(gzip -9 -c "$wasm" | wc -c)" \
    -v jg="$(gzip -9 -c "$glue" | wc -c)" \
    'BEGIN { printf "build: %-5s module %s  %d bytes raw (%.1f KiB), %d bytes gzip -9 (%.1f KiB); JS glue %.1f KiB gzip -9\n", m, f, r, r/1024, g, g/1024, jg/1024 }'
done
echo "build: done in $((SECONDS - build_start)) s -> pkg/"
