-- Changes started in [from, to), optionally of some services, in (started_at, id) order after
-- a keyset position: one page of a scan (risk history, DORA figures).
SELECT {{parts/change-columns}}, started_at AS scan_at
FROM changes FINAL
{{parts/scan-page}}
