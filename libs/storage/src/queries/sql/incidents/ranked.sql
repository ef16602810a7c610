-- Incidents open at some time in [from, to) and matching the filters (see the part), ranked the
-- way people triage them: open, then acknowledged, then resolved; most severe first; newest
-- first. A page (the api asks for one row more than it shows).
SELECT {{parts/incident-columns}}
FROM incidents FINAL
{{parts/incidents-open-between}}
ORDER BY
    indexOf(['open', 'acknowledged', 'resolved'], status),
    indexOf(['critical', 'high', 'warning', 'info'], severity),
    opened_at DESC,
    id
LIMIT {limit:UInt32} OFFSET {offset:UInt32}
