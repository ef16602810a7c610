-- Verdicts (every look) decided in [from, to), optionally of some services, in (decided_at, id)
-- order after a keyset position: one page of a scan.
SELECT {{parts/verdict-columns}}, decided_at AS scan_at
FROM verdicts FINAL
{{parts/scan-page}}
