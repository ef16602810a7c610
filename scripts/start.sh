#!/usr/bin/env bash
# The README's first command: set up on a fresh machine, build, and run Aftershock all-in-one
# on the embedded defaults (in-memory bus, chDB in .data/). Extra arguments go to `aftershock start`.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$repo"
echo "[start] building" >&2
npm run build --silent
exec node bin/aftershock.js start "$@"
