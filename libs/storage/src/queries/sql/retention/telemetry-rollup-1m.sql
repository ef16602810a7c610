-- 1-minute rollup retention (AFTERSHOCK_ROLLUP_1M_RETENTION).
ALTER TABLE telemetry_rollup_1m MODIFY TTL bucket + toIntervalSecond({seconds:UInt64})
