-- Ids of the problems an incident currently belongs to.
SELECT id
FROM problems FINAL
WHERE has(members, {incidentId:String})
ORDER BY id
