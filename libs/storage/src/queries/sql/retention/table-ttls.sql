-- The engine definitions (with their TTL clause) of some tables of the current database.
SELECT name, engine_full
FROM system.tables
WHERE database = currentDatabase()
  AND name IN {tables:Array(String)}
