# Sourced by the image scripts: one podman command line for this project, daemonless and
# rootful, with its own vfs storage under the git-ignored .cache/ (no overlay or fuse needed,
# and nothing shared with other podman users on the machine). runc rather than crun: crun 1.8
# refuses hosts whose cgroup v2 hierarchy holds controllers beside v1 ones ("hybrid mode").
# Limits are set explicitly because podman's defaults for root exceed what an unprivileged
# (no CAP_SYS_RESOURCE) sandbox may raise them to.
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
containers_dir="${AFTERSHOCK_CONTAINERS_DIR:-$repo/.cache/containers}"
mkdir -p "$containers_dir/storage" "$containers_dir/run" "$containers_dir/tmp"
export TMPDIR="$containers_dir/tmp"

podman_() {
  podman --storage-driver vfs --root "$containers_dir/storage" --runroot "$containers_dir/run" \
    --runtime runc --cgroup-manager cgroupfs --events-backend file "$@"
}

# The limits a container starts with: the host's own hard limits, capped.
nofile_limit=$(ulimit -Hn)
nofile_limit=$((nofile_limit > 65536 ? 65536 : nofile_limit))
container_limits=(--ulimit "nofile=$nofile_limit:$nofile_limit" --ulimit "nproc=4096:4096")
