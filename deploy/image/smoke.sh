#!/usr/bin/env bash
# The images' smoke test, run with podman on this machine (host network, loopback only):
#  1. `aftershock --version` in both images prints the package version;
#  2. the service image holds no chDB engine and says so when asked for embedded storage;
#  3. the all-in-one image, as the unprivileged user with a read-only root filesystem (only a
#     /data volume and a /tmp tmpfs writable), starts, answers /health/ready and /metrics, and
#     stops in order on SIGTERM with exit code 0.
# Ends with `N passed, N failed`.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/podman.sh"
cd "$repo"
version="$(node -p 'require("./package.json").version')"
service="localhost/aftershock:$version"
aio="$service-all-in-one"
passed=0 failed=0
check() { # name, then a command that succeeds when the check passes
  local name="$1"
  shift
  if "$@"; then
    echo "ok   $name"
    passed=$((passed + 1))
  else
    echo "FAIL $name"
    failed=$((failed + 1))
  fi
}
run_() { podman_ run --rm --network none "${container_limits[@]}" "$@"; }

for image in "$service" "$aio"; do
  printed=$(run_ "$image" --version 2>&1)
  check "$image: aftershock --version prints $version" test "$printed" = "$version"
done
uid=$(run_ --entrypoint id "$service" -u 2>&1)
check "service image runs as uid 1000" test "$uid" = 1000
chdb=$(run_ --entrypoint ls "$service" /app/node_modules 2>&1)
check "service image holds no chDB engine" test -z "$(grep -x @chdb <<<"$chdb")" -a -n "$(grep -x kafkajs <<<"$chdb")"
refused=$(run_ --read-only --tmpfs /tmp "$service" migrate 2>&1)
check "service image without CLICKHOUSE_URL names the fix" \
  grep -q "set CLICKHOUSE_URL to a ClickHouse server, or use the all-in-one image" <<<"$refused"
help=$(run_ "$service" 2>&1)
check "service image's default command lists the apps' command" grep -q "run one app in service mode" <<<"$help"

port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
data=$(mktemp -d "$containers_dir/tmp/data.XXXXXX")
chown 1000:1000 "$data"
name="aftershock-smoke-$$"
podman_ run -d --name "$name" --network host "${container_limits[@]}" --read-only --tmpfs /tmp \
  -v "$data:/data" -e HTTP_HOST=127.0.0.1 -e HTTP_PORT="$port" "$aio" start >/dev/null
ready=0
for _ in $(seq 1 240); do
  if curl -fsS "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1; then ready=1 && break; fi
  sleep 0.5
done
check "all-in-one (read-only root, uid 1000) is ready on /health/ready" test "$ready" = 1
check "all-in-one serves Prometheus metrics on /metrics" bash -c \
  "curl -fsS http://127.0.0.1:$port/metrics | grep -q '^# TYPE '"
check "all-in-one wrote its data under the /data volume only" test -d "$data/chdb"
podman_ kill --signal TERM "$name" >/dev/null
code=$(podman_ wait "$name")
podman_ logs "$name" >"$containers_dir/tmp/smoke-all-in-one.log" 2>&1
podman_ rm "$name" >/dev/null
check "all-in-one stops in order on SIGTERM (exit code 0)" test "$code" = 0
rm -rf "$data"
echo "$passed passed, $failed failed"
((failed == 0))
