-- Problems (newest version of each) filtered by statuses (empty = all) and an affected service,
-- with how many of their member incidents opened in [from, to) and in the range of equal length
-- before it; ranked by impact, by members in the range, or by growth (in the range minus
-- before); with `activeOnly`, only problems with a member in the range. A page of ids and
-- figures; the caller reads the problems themselves by id.
SELECT id, impact, in_range, previous, toInt64(in_range) - toInt64(previous) AS growth
FROM
(
    SELECT
        p.id AS id,
        any(p.impact) AS impact,
        countIf(i.opened_at >= {from:DateTime64(3)} AND i.opened_at < {to:DateTime64(3)}) AS in_range,
        countIf(i.opened_at >= {previousFrom:DateTime64(3)} AND i.opened_at < {from:DateTime64(3)}) AS previous
    FROM
    (
        SELECT id, impact, members
        FROM problems FINAL
        WHERE (empty({statuses:Array(String)}) OR has({statuses:Array(String)}, status))
          AND ({service:String} = '' OR has(services, {service:String}))
    ) AS p
    LEFT ARRAY JOIN p.members AS member
    LEFT JOIN
    (
        SELECT id, opened_at
        FROM incidents FINAL
        WHERE opened_at >= {previousFrom:DateTime64(3)} AND opened_at < {to:DateTime64(3)}
    ) AS i ON i.id = member
    GROUP BY p.id
)
WHERE NOT {activeOnly:Bool} OR in_range > 0
ORDER BY
    multiIf({sort:String} = 'count', toFloat64(in_range), {sort:String} = 'growth', toFloat64(growth), impact) DESC,
    impact DESC,
    id
LIMIT {limit:UInt32} OFFSET {offset:UInt32}
