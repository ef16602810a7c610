#!/usr/bin/env bash
# Builds the two images from the Dockerfile with podman (daemonless; buildah's chroot isolation
# for RUN steps), FROM the Debian-assembled Node base (deploy/image/base.sh) unless NODE_IMAGE
# names another (e.g. node:24-bookworm-slim where a registry is reachable):
#   localhost/aftershock:<version>             --target service
#   localhost/aftershock:<version>-all-in-one  --target all-in-one
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/podman.sh"
cd "$repo"
renice -n 10 $$ >/dev/null # a heavy build on a shared machine: everything below runs niced
version="$(node -p 'require("./package.json").version')"
base="${NODE_IMAGE:-$(bash deploy/image/base.sh)}"
# The host's extra CA bundle (a TLS-inspecting proxy in front of the registry), mounted into
# the RUN steps for npm only; nothing of it stays in the image.
ca_args=()
if [[ -n "${NODE_EXTRA_CA_CERTS:-}" && -s "$NODE_EXTRA_CA_CERTS" ]]; then
  ca_args=(--volume "$NODE_EXTRA_CA_CERTS:/run/build-extra-ca.crt:ro" --build-arg NODE_EXTRA_CA_CERTS=/run/build-extra-ca.crt)
fi
for target in service all-in-one; do
  tag="localhost/aftershock:$version"
  [[ "$target" == all-in-one ]] && tag="$tag-all-in-one"
  echo "[image] building $tag (target $target) from $base" >&2
  started=$(date +%s)
  podman_ build --isolation=chroot --pull=never --network=host --layers=true \
    "${ca_args[@]}" --build-arg "NODE_IMAGE=$base" --target "$target" -t "$tag" -f Dockerfile . >&2
  size=$(podman_ image inspect "$tag" --format '{{.Size}}')
  echo "[image] $tag built in $(($(date +%s) - started)) s, $((size / 1048576)) MiB" >&2
done
