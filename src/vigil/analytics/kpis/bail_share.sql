-- id: bail_share
-- title: Share of arrests bailed
-- definition: Arrests in the month whose suspect was bailed after the initial period in custody (with or without conditions) as a percentage of all DA arrests in the month.
-- unit: percent
-- better: higher
-- aggregate: sum
-- policy: none
-- breakdowns: month, quarter, ytd, lpa
-- series_break: none
-- commitment: 53
-- seed: 000 §5.2: 'The percentage of suspects who are bailed following arrest has increased from 31% in 2024 to 41% in January 2026'
SELECT m.month, c.lpa_id,
       SUM(CASE WHEN a.disposal IN ('bail_conditions', 'bail') THEN 1 ELSE 0 END) AS num,
       COUNT(*) AS den
FROM arrests a
LEFT JOIN crimes c ON c.id = a.crime_id
JOIN months m ON CAST(DATE_TRUNC('month', a.arrested_at) AS DATE) = m.month AND a.arrested_at < m.cutoff
WHERE a.crime_id IS NULL OR c.is_domestic_abuse
GROUP BY m.month, c.lpa_id
