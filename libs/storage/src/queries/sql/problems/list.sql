-- Problems (newest version of each), filtered by statuses (empty = all) and an affected service,
-- ranked by impact, count or recency (orderBy = 'impact' | 'count' | 'last_seen'); a page.
SELECT {{parts/problem-columns}}
FROM problems FINAL
WHERE (empty({statuses:Array(String)}) OR has({statuses:Array(String)}, status))
  AND ({service:String} = '' OR has(services, {service:String}))
ORDER BY
    multiIf(
        {orderBy:String} = 'count', toFloat64(count),
        {orderBy:String} = 'last_seen', toFloat64(toUnixTimestamp64Milli(last_seen)),
        impact) DESC,
    id
LIMIT {limit:UInt32} OFFSET {offset:UInt32}
