-- A row of the indicator's events (or threshold) series: its service, metric and environment,
-- and every label asked for (the pairs eKeys[i] = eValues[i] among the row's; other labels may
-- be anything). hasAll over (key, value) pairs: ten times faster than a lambda over the map.
service = {eService:String} AND metric = {eMetric:String} AND environment = {eEnvironment:String}
AND hasAll(
    arrayZip(CAST(mapKeys(labels), 'Array(String)'), mapValues(labels)),
    arrayZip({eKeys:Array(String)}, {eValues:Array(String)})
)
