-- id: out_of_court_resolutions
-- title: Out-of-court resolutions
-- definition: DA arrests in the month disposed of out of court (a caution or community resolution) rather than charged, bailed, released or taken no further.
-- unit: count
-- better: neutral
-- aggregate: sum
-- policy: none
-- breakdowns: month, quarter, ytd, lpa
-- series_break: none
-- commitment: 49
-- seed: 000 §2.3: 'Out of court resolutions are monitored on a weekly basis'
SELECT m.month, c.lpa_id, COUNT(*) AS num, CAST(NULL AS DOUBLE) AS den
FROM arrests a
LEFT JOIN crimes c ON c.id = a.crime_id
JOIN months m ON CAST(DATE_TRUNC('month', a.arrested_at) AS DATE) = m.month AND a.arrested_at < m.cutoff
WHERE a.disposal = 'caution' AND (a.crime_id IS NULL OR c.is_domestic_abuse)
GROUP BY m.month, c.lpa_id
