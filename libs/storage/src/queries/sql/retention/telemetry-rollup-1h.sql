-- 1-hour rollup retention (AFTERSHOCK_ROLLUP_1H_RETENTION).
ALTER TABLE telemetry_rollup_1h MODIFY TTL bucket + toIntervalSecond({seconds:UInt64})
