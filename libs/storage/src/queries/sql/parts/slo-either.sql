-- A row of either series of a ratio indicator (events or total).
(({{parts/slo-events}}) OR ({{parts/slo-total}}))
