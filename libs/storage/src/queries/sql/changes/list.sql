-- Changes started in [from, to), newest first, optionally for some services, one environment
-- and some kinds (empty = all). FINAL: the newest report of each change, before any merge.
SELECT
    id, source, kind, service, environment, version, previous_version, started_at, finished_at,
    scope, scope_name, automated, initiator, has_pipeline, pipeline_name, pipeline_run_id,
    pipeline_url, tests_passed, tests_run, tests_failed, rollout, size_lines, component,
    config_keys, rollback_of, links, labels, commit_at, team, has_content, content, recorded_at
FROM changes FINAL
WHERE started_at >= {from:DateTime64(3)}
  AND started_at < {to:DateTime64(3)}
  AND (empty({services:Array(String)}) OR has({services:Array(String)}, service))
  AND ({environment:String} = '' OR environment = {environment:String})
  AND (empty({kinds:Array(String)}) OR has({kinds:Array(String)}, kind))
ORDER BY started_at DESC, id
LIMIT {limit:UInt32}
