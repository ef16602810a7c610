-- Dead letters refused in [from, to), newest first, optionally from one source (topic or HTTP
-- endpoint) or with one code.
SELECT
    id, received_at, source, app, partition, offset, code, reason, key, value, headers, message_at
FROM dead_letters
WHERE received_at >= {from:DateTime64(3)}
  AND received_at < {to:DateTime64(3)}
  AND ({source:String} = '' OR source = {source:String})
  AND ({code:String} = '' OR code = {code:String})
ORDER BY received_at DESC, id
LIMIT {limit:UInt32}
