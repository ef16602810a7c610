-- Every column of a `changes` row: what fromChangeRow reads.
id, source, kind, service, environment, version, previous_version, started_at, finished_at,
scope, scope_name, automated, initiator, has_pipeline, pipeline_name, pipeline_run_id,
pipeline_url, tests_passed, tests_run, tests_failed, rollout, size_lines, component,
config_keys, rollback_of, links, labels, commit_at, team, has_content, content, recorded_at
