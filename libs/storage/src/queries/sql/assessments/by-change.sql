-- The risk assessments of a change (normally one), newest first.
SELECT {{parts/assessment-columns}}
FROM assessments FINAL
WHERE change_id = {changeId:String}
ORDER BY assessed_at DESC, id
