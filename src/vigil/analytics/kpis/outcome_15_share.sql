-- id: outcome_15_share
-- title: Outcome 15 share
-- definition: Share of the outcomes assigned to DA crimes in the month that are outcome 15 (named suspect, victim supports action, evidential difficulties), with its local sub-codes; the measure's page and the board report break outcome 15 down by sub-code (each sub-code's count and share).
-- unit: percent
-- better: lower
-- aggregate: sum
-- policy: none (Home Office outcome 15)
-- breakdowns: month, quarter, ytd, lpa, local sub-code
-- series_break: none
-- commitment: 49
-- seed: 001 §14: 'Outcome 15 (23%), which is where a named suspect is identified, the victim supports ...'
SELECT m.month, c.lpa_id,
       SUM(CASE WHEN o.code = '15' OR oc.parent_code = '15' THEN 1 ELSE 0 END) AS num,
       COUNT(*) AS den
FROM outcomes o
JOIN crimes c ON c.id = o.crime_id
LEFT JOIN outcome_codes oc ON oc.code = o.code
JOIN months m ON CAST(DATE_TRUNC('month', o.outcome_at) AS DATE) = m.month AND o.outcome_at < m.cutoff
WHERE c.is_domestic_abuse
GROUP BY m.month, c.lpa_id
