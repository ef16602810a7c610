-- Every column of an `incidents` (and `incident_versions`) row: what fromIncidentRow reads.
id, version, event, status, kind, title, summary, severity, service, services, environment,
opened_at, updated_at, resolved_at, members, suspects, suspect_components, blast_radius, actor, comment,
team, labels, assignee, snoozed_until, duplicate_of, merged_from, split_from, split_into
