#!/usr/bin/env bash
# Installs the tools that validate deploy/ into the git-ignored .tools/bin, from the Go module
# proxy with the machine's Go toolchain (1.26 or newer, as Helm v4 needs):
#   helm          Helm v4 (helm lint --strict, helm template)
#   deploy-check  tools/deploy-check: strict decoding of rendered manifests into the Kubernetes
#                 Go types (k8s.io/api), and compose files through compose-go
# Go's module and build caches make a second run (CI on the same machine) take seconds. Prints
# the tools' directory on stdout.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="$repo/.tools/bin"
helm_version="${HELM_VERSION:-v4.3.2}"
mkdir -p "$bin"

command -v go >/dev/null || { echo "[deploy-tools] a Go toolchain (1.26+) is needed to build helm and deploy-check" >&2; exit 1; }

installed_helm="$( [[ -x "$bin/helm" ]] && go version -m "$bin/helm" 2>/dev/null | awk '$1 == "mod" { print $3 }' || true)"
if [[ "$installed_helm" != "$helm_version" ]]; then
  echo "[deploy-tools] building helm $helm_version (a few minutes the first time on this machine)" >&2
  GOBIN="$bin" GOFLAGS=-buildvcs=false nice -n 10 go install "helm.sh/helm/v4/cmd/helm@$helm_version" >&2
fi
(cd "$repo/tools/deploy-check" && GOFLAGS=-buildvcs=false nice -n 10 go build -o "$bin/deploy-check" .) >&2
echo "$bin"
