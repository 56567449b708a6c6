#!/usr/bin/env bash
# leadroute: the npm package as a tarball, leadroute-<version>.tgz at the repository root
# (the package is not on the registry: install it with `npm install ./leadroute-<version>.tgz`).
#
#   bash scripts/pack.sh             # build pkg/, then pack it
#   bash scripts/pack.sh --no-build  # pack pkg/ as it is
set -euo pipefail
# shellcheck source=scripts/setup.sh
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$LEADROUTE_ROOT"

build=1
for arg in "$@"; do
  case "$arg" in
    --no-build) build=0 ;;
    *) echo "pack: unknown option $arg (use --no-build)" >&2; exit 2 ;;
  esac
done
if (( build )) || [[ ! -f pkg/package.json || ! -f pkg/web/leadroute_wasm_bg.wasm ]]; then
  bash scripts/build.sh
fi

version="$(node -p 'require("./pkg/package.json").version')"
tarball="leadroute-$version.tgz"
rm -f "$tarball"
npm pack ./pkg --pack-destination . --silent >/dev/null
[[ -f "$tarball" ]] || { echo "pack: npm pack did not write $tarball" >&2; exit 1; }
node -e '
  const { size, unpackedSize, files } = JSON.parse(process.argv[1])[0];
  console.log(`pack: ${process.argv[2]}  ${(size / 1024).toFixed(1)} KiB (${files.length} files, ${(unpackedSize / 1024).toFixed(1)} KiB unpacked)`);
' "$(npm pack ./pkg --dry-run --json 2>/dev/null)" "$tarball"
