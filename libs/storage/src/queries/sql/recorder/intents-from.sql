-- The recorder's write intents for a topic partition that end at or after `from` (its committed
-- offset, or the first offset of a batch), in offset order.
SELECT first_offset, last_offset
FROM recorder_intents FINAL
WHERE topic = {topic:String}
  AND partition = {partition:Int32}
  AND last_offset >= {from:Int64}
ORDER BY first_offset
