-- A row of the indicator's total series (as parts/slo-events, for the total MetricQuery).
service = {tService:String} AND metric = {tMetric:String} AND environment = {tEnvironment:String}
AND hasAll(
    arrayZip(CAST(mapKeys(labels), 'Array(String)'), mapValues(labels)),
    arrayZip({tKeys:Array(String)}, {tValues:Array(String)})
)
