#!/usr/bin/env bash
# leadroute: set up, build, and route the bundled sample leads with an explained report.
#
#   bash scripts/run.sh            (or: make run)
set -euo pipefail
# shellcheck source=scripts/setup.sh
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$LEADROUTE_ROOT"

bash scripts/build.sh
echo
node scripts/route-sample.mjs "$@"

# ---- >>> DASHBOARD GOES HERE <<< ---------------------------------------------------------
# The rules dashboard (www/dashboard): static files on 127.0.0.1, the engine runs in the
# browser. Served until Ctrl-C when run from a terminal (or LEADROUTE_SERVE=1); otherwise
# (CI, pipes, LEADROUTE_SERVE=0) only the command is printed, so `make run` still ends.
DASHBOARD_PORT="${PORT:-8080}"
echo
if [[ "${LEADROUTE_SERVE:-}" == 1 || ( -t 1 && "${LEADROUTE_SERVE:-}" != 0 ) ]]; then
  echo "Rules dashboard: open http://127.0.0.1:$DASHBOARD_PORT/www/dashboard/ (Ctrl-C stops)"
  exec node scripts/serve.mjs "$DASHBOARD_PORT"
else
  echo "Rules dashboard: node scripts/serve.mjs $DASHBOARD_PORT, then open http://127.0.0.1:$DASHBOARD_PORT/www/dashboard/"
fi
