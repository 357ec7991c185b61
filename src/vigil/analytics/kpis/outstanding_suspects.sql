-- id: outstanding_suspects
-- title: Outstanding DA suspects
-- definition: Distinct DA suspects wanted (for arrest or voluntary interview) at the end of the month: wanted from before the month end and not yet resolved then.
-- unit: count
-- better: lower
-- aggregate: last
-- policy: none
-- breakdowns: month, quarter, ytd, lpa
-- series_break: none
-- commitment: 53
-- seed: domain.md Perpetrators: 'Outstanding (wanted) DA suspects are tracked'
SELECT m.month, c.lpa_id, COUNT(DISTINCT w.suspect_key) AS num, CAST(NULL AS DOUBLE) AS den
FROM wanted w
JOIN crimes c ON c.id = w.crime_id
JOIN months m ON w.wanted_from < m.cutoff AND (w.resolved_at IS NULL OR w.resolved_at >= m.cutoff)
GROUP BY m.month, c.lpa_id
