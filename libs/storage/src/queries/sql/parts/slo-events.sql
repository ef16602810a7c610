-- A row of the indicator's events (or threshold) series: its service, metric and environment,
-- and every label asked for (eKeys[i] = eValues[i]; other labels may be anything).
service = {eService:String} AND metric = {eMetric:String} AND environment = {eEnvironment:String}
AND arrayAll((k, v) -> mapContains(labels, k) AND labels[k] = v, {eKeys:Array(String)}, {eValues:Array(String)})
