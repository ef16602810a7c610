-- Incidents open at some time in [from, to) (opened before its end, not resolved before its
-- start), filtered by service (primary or affected), environment, statuses and severities, a
-- text in the title or summary (case-insensitive) or the id, a suspect change, an assignee, and
-- whether it is snoozed at `now` (empty = all).
-- Under FINAL, the filters see the newest version of each incident only.
WHERE ({service:String} = '' OR service = {service:String} OR has(services, {service:String}))
  AND ({environment:String} = '' OR environment = {environment:String})
  AND (empty({statuses:Array(String)}) OR has({statuses:Array(String)}, status))
  AND (empty({severities:Array(String)}) OR has({severities:Array(String)}, severity))
  AND opened_at < {to:DateTime64(3)}
  AND (resolved_at IS NULL OR resolved_at >= {from:DateTime64(3)})
  AND ({text:String} = ''
       OR id = {text:String}
       OR positionCaseInsensitiveUTF8(title, {text:String}) > 0
       OR positionCaseInsensitiveUTF8(summary, {text:String}) > 0)
  AND ({change:String} = '' OR has(arrayMap(s -> s.change_id, suspects), {change:String}))
  AND ({assignee:String} = '' OR assignee = {assignee:String})
  AND ({snoozed:String} = ''
       OR ({snoozed:String} = 'true') = (snoozed_until IS NOT NULL AND snoozed_until > {now:DateTime64(3)}))
