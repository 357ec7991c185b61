-- id: outcome_16_share
-- title: Outcome 16 share
-- definition: Share of the outcomes assigned to DA crimes in the month that are outcome 16 (named suspect, victim does not support action), with its local sub-codes; the measure's page and the board report break outcome 16 down by sub-code (each sub-code's count and share).
-- unit: percent
-- better: lower
-- aggregate: sum
-- policy: none (Home Office outcome 16)
-- breakdowns: month, quarter, ytd, lpa, local sub-code
-- series_break: none
-- commitment: 49
-- seed: 001 §15: 'Outcome 16 (58%) is where a named suspect is identified but the victim is not supportive'
SELECT m.month, c.lpa_id,
       SUM(CASE WHEN o.code = '16' OR oc.parent_code = '16' THEN 1 ELSE 0 END) AS num,
       COUNT(*) AS den
FROM outcomes o
JOIN crimes c ON c.id = o.crime_id
LEFT JOIN outcome_codes oc ON oc.code = o.code
JOIN months m ON CAST(DATE_TRUNC('month', o.outcome_at) AS DATE) = m.month AND o.outcome_at < m.cutoff
WHERE c.is_domestic_abuse
GROUP BY m.month, c.lpa_id
