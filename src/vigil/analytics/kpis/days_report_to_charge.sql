-- id: days_report_to_charge
-- title: Days from report to charge
-- definition: Mean calendar days from recording to the charge/summons outcome, for DA crimes charged in the month.
-- unit: days
-- better: lower
-- aggregate: sum
-- policy: none (Home Office outcome 1)
-- breakdowns: month, quarter, ytd, lpa
-- series_break: none
-- commitment: 49
-- seed: 003: 'the days taken between report and charge is significantly lower than the national average'
SELECT m.month, c.lpa_id,
       SUM(DATE_DIFF('day', CAST(c.recorded_at AS DATE), CAST(o.outcome_at AS DATE))) AS num,
       COUNT(*) AS den
FROM outcomes o
JOIN crimes c ON c.id = o.crime_id
LEFT JOIN outcome_codes oc ON oc.code = o.code
JOIN months m ON CAST(DATE_TRUNC('month', o.outcome_at) AS DATE) = m.month AND o.outcome_at < m.cutoff
WHERE c.is_domestic_abuse AND (o.code = '1' OR oc.parent_code = '1')
GROUP BY m.month, c.lpa_id
