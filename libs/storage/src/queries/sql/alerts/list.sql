-- Alert state transitions that started in [from, to), newest first, optionally for one service,
-- environment or alert identity (fingerprint), or for several alerts: `alerts` holds each as
-- service + '\0' + fingerprint (empty: any).
SELECT
    id, fingerprint, status, name, service, environment, severity, summary, labels, annotations,
    starts_at, ends_at, source, link, team, runbook_url, recorded_at
FROM alerts FINAL
WHERE starts_at >= {from:DateTime64(3)}
  AND starts_at < {to:DateTime64(3)}
  AND ({service:String} = '' OR service = {service:String})
  AND ({environment:String} = '' OR environment = {environment:String})
  AND ({fingerprint:String} = '' OR fingerprint = {fingerprint:String})
  AND (empty({alerts:Array(String)}) OR has({alerts:Array(String)}, concat(service, '\0', fingerprint)))
ORDER BY starts_at DESC, id
LIMIT {limit:UInt32}
