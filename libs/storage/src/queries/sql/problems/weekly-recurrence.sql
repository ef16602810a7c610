-- Recurrence per week (weeks start on Monday, UTC): member incidents of problems (optionally
-- those affecting a service) opened in [from, to), counted once each, and how many problems
-- recurred that week.
SELECT toString(toMonday(i.opened_at)) AS week, uniqExact(i.id) AS incidents, uniqExact(p.id) AS problems
FROM
(
    SELECT id, members
    FROM problems FINAL
    WHERE {service:String} = '' OR has(services, {service:String})
) AS p
ARRAY JOIN p.members AS member
INNER JOIN
(
    SELECT id, opened_at
    FROM incidents FINAL
    WHERE opened_at >= {from:DateTime64(3)} AND opened_at < {to:DateTime64(3)}
) AS i ON i.id = member
GROUP BY week
ORDER BY week
