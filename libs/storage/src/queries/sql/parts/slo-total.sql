-- A row of the indicator's total series (as parts/slo-events, for the total MetricQuery).
service = {tService:String} AND metric = {tMetric:String} AND environment = {tEnvironment:String}
AND arrayAll((k, v) -> mapContains(labels, k) AND labels[k] = v, {tKeys:Array(String)}, {tValues:Array(String)})
