-- Incidents (newest version of each) opened in [from, to), optionally of some services, in
-- (opened_at, id) order after a keyset position: one page of a scan.
SELECT {{parts/incident-columns}}, opened_at AS scan_at
FROM incidents FINAL
{{parts/scan-page}}
