-- How many incidents incidents/list.sql finds without its page limit.
SELECT count() AS total
FROM incidents FINAL
{{parts/incidents-open-between}}
