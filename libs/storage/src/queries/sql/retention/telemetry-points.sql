-- Raw telemetry retention (AFTERSHOCK_TELEMETRY_RETENTION). Materialises the new TTL on existing
-- parts once, so a shorter retention also applies to data already stored.
ALTER TABLE telemetry_points MODIFY TTL toDateTime(ts) + toIntervalSecond({seconds:UInt64})
