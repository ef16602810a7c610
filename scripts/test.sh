#!/usr/bin/env bash
# The README's test command: set up on a fresh machine, start a real local Kafka broker unless
# KAFKA_BROKERS points at one, run every test tier (unit, integration, end-to-end), stop the
# broker, and close with `N passed, N failed, N skipped`. `scripts/test.sh unit` runs one tier.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$repo"
tier="${1:-all}"
# Browser tests drive Debian's Chromium (playwright-core never downloads a browser of its own).
if [[ "$tier" == all || "$tier" == e2e ]] && [[ -z "${CHROMIUM_PATH:-}" ]] && ! command -v chromium >/dev/null; then
  if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
    echo "[test] installing Debian's chromium for the browser tests" >&2
    (apt-get update -qq && apt-get install -y -qq chromium) >&2 || echo "[test] could not install chromium" >&2
  else
    echo "[test] chromium not found: install it (apt-get install chromium) or set CHROMIUM_PATH" >&2
  fi
fi
started_broker=0
if [[ -z "${KAFKA_BROKERS:-}" && "$tier" != unit ]]; then
  broker_line="$(bash deploy/kafka/kafka-local.sh start)" || { echo "[test] the local Kafka broker did not start" >&2; exit 1; }
  export "${broker_line?}"
  started_broker=1
  trap 'bash deploy/kafka/kafka-local.sh stop' EXIT
fi
npm run build --silent || { echo "[test] build failed"; echo "0 passed, 1 failed, 0 skipped"; exit 1; }
# AFTERSHOCK_TEST_CLOCK_AHEAD=365d runs the tests and every app they start with JavaScript's clock
# that far ahead (scripts/clock-ahead.mjs), so no test can lean on today's date.
if [[ -n "${AFTERSHOCK_TEST_CLOCK_AHEAD:-}" ]]; then
  echo "[test] the clock runs ${AFTERSHOCK_TEST_CLOCK_AHEAD} ahead for the tests and the apps they start" >&2
  export NODE_OPTIONS="${NODE_OPTIONS:+$NODE_OPTIONS }--import=$repo/scripts/clock-ahead.mjs"
fi
node scripts/run-tests.mjs "$tier"
status=$?
if ((started_broker)); then
  bash deploy/kafka/kafka-local.sh stop
  trap - EXIT
fi
exit "$status"
