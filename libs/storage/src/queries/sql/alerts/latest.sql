-- The latest transition, started in [from, to), of each of several alerts named by service and
-- alert identity (fingerprint): `alerts` holds each as service + '\0' + fingerprint, `services`
-- and `fingerprints` their parts. Newest first.
SELECT
    id, fingerprint, status, name, service, environment, severity, summary, labels, annotations,
    starts_at, ends_at, source, link, team, runbook_url, recorded_at
FROM alerts FINAL
WHERE starts_at >= {from:DateTime64(3)}
  AND starts_at < {to:DateTime64(3)}
  AND service IN {services:Array(String)}
  AND fingerprint IN {fingerprints:Array(String)}
  AND has({alerts:Array(String)}, concat(service, '\0', fingerprint))
ORDER BY starts_at DESC, id
LIMIT 1 BY service, fingerprint
