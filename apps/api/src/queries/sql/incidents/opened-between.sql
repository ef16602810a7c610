-- Incidents (newest version of each) opened in [from, to), optionally of some services, in
-- (opened_at, id) order after a keyset position: one page of a scan.
SELECT
    id, version, event, status, kind, title, summary, severity, service, services, environment,
    opened_at, updated_at, resolved_at, members, suspects, suspect_components, blast_radius, actor, comment,
    team, labels
FROM incidents FINAL
WHERE opened_at >= {from:DateTime64(3)}
  AND opened_at < {to:DateTime64(3)}
  AND (empty({services:Array(String)}) OR has({services:Array(String)}, service))
  AND (opened_at > {afterAt:DateTime64(3)} OR (opened_at = {afterAt:DateTime64(3)} AND id > {afterId:String}))
ORDER BY opened_at, id
LIMIT {limit:UInt32}
