-- The probability each change was given when it arrived (its published assessment), for changes
-- assessed in [from, to), optionally of one service: what the gate said at the time, to be held
-- against what happened.
SELECT change_id, service, probability, assessed_at
FROM assessments FINAL
WHERE assessed_at >= {from:DateTime64(3)}
  AND assessed_at < {to:DateTime64(3)}
  AND ({service:String} = '' OR service = {service:String})
ORDER BY assessed_at, change_id
LIMIT 100000
