-- Alert state transitions that started in [from, to), newest first, optionally for one service,
-- environment or alert identity (fingerprint).
SELECT
    id, fingerprint, status, name, service, environment, severity, summary, labels, annotations,
    starts_at, ends_at, source, link, team, runbook_url, recorded_at
FROM alerts FINAL
WHERE starts_at >= {from:DateTime64(3)}
  AND starts_at < {to:DateTime64(3)}
  AND ({service:String} = '' OR service = {service:String})
  AND ({environment:String} = '' OR environment = {environment:String})
  AND ({fingerprint:String} = '' OR fingerprint = {fingerprint:String})
ORDER BY starts_at DESC, id
LIMIT {limit:UInt32}
