-- Changes and change failures per service, for changes started in [from, to). Rollbacks are
-- not counted as changes of their own. A change failed when any of these holds:
-- - its final verification verdict is `fail`;
-- - it is the most probable suspect of an incident, with at least `minProbability`;
-- - another change rolled it back.
SELECT
    service,
    countIf(kind != 'rollback') AS changes,
    countIf(kind = 'deployment') AS deployments,
    countIf(kind != 'rollback' AND (is_failed_verdict OR is_incident_cause OR is_rolled_back)) AS failures,
    countIf(kind != 'rollback' AND is_failed_verdict) AS failed_verdicts,
    countIf(kind != 'rollback' AND is_incident_cause) AS caused_incidents,
    countIf(kind != 'rollback' AND is_rolled_back) AS rolled_back
FROM
(
    SELECT
        service,
        kind,
        id IN (
            SELECT change_id
            FROM verdicts FINAL
            WHERE final AND outcome = 'fail'
        ) AS is_failed_verdict,
        id IN (
            SELECT assumeNotNull(top.change_id)
            FROM
            (
                SELECT arraySort(s -> -s.probability, suspects)[1] AS top
                FROM incidents FINAL
                WHERE notEmpty(suspects)
            )
            WHERE top.change_id IS NOT NULL AND top.probability >= {minProbability:Float64}
        ) AS is_incident_cause,
        id IN (
            SELECT assumeNotNull(rollback_of)
            FROM changes FINAL
            WHERE rollback_of IS NOT NULL
        ) AS is_rolled_back
    FROM changes FINAL
    WHERE started_at >= {from:DateTime64(3)}
      AND started_at < {to:DateTime64(3)}
      AND ({environment:String} = '' OR environment = {environment:String})
      AND (empty({services:Array(String)}) OR has({services:Array(String)}, service))
)
GROUP BY service
ORDER BY service
