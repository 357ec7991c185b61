-- id: rui_nfa_share
-- title: Arrests ending in RUI or NFA without conditions
-- definition: DA arrests in the month whose suspect was released under investigation or with no further action (so without bail conditions) after the initial period in custody, as a percentage of all DA arrests in the month.
-- unit: percent
-- better: lower
-- aggregate: sum
-- policy: none
-- breakdowns: month, quarter, ytd, lpa
-- series_break: none
-- commitment: 53
-- seed: 000 §5.2: 'the number of arrests resulting in no further action or Release Under Investigation (RUI), without conditions, after the initial period in custody has decreased'
SELECT m.month, c.lpa_id,
       SUM(CASE WHEN a.disposal IN ('rui', 'nfa') THEN 1 ELSE 0 END) AS num,
       COUNT(*) AS den
FROM arrests a
LEFT JOIN crimes c ON c.id = a.crime_id
JOIN months m ON CAST(DATE_TRUNC('month', a.arrested_at) AS DATE) = m.month AND a.arrested_at < m.cutoff
WHERE a.crime_id IS NULL OR c.is_domestic_abuse
GROUP BY m.month, c.lpa_id
