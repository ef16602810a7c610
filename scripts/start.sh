#!/usr/bin/env bash
# The README's first command: set up on a fresh machine, build, and run Aftershock all-in-one
# on the embedded defaults (in-memory bus, chDB in .data/) with the bundled demo day streamed
# in. Arguments replace the default `--demo` (e.g. `scripts/start.sh --port 9000` runs plain).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$repo"
echo "[start] building" >&2
npm run build --silent
if (($# == 0)); then set -- --demo; fi
exec node bin/aftershock.js start "$@"
