-- id: dvpo_refused
-- title: DVPOs refused
-- definition: DVPO applications refused by the court, by the month of the hearing (or of the application when no hearing time is recorded).
-- unit: count
-- better: lower
-- aggregate: sum
-- policy: none
-- breakdowns: month, quarter, ytd, lpa
-- series_break: none
-- commitment: 53
-- seed: domain.md measures: 'DVPO applications granted and refused'
SELECT m.month, o.lpa_id, COUNT(*) AS num, CAST(NULL AS DOUBLE) AS den
FROM orders o
JOIN months m ON CAST(DATE_TRUNC('month', COALESCE(o.hearing_at, o.applied_at)) AS DATE) = m.month
             AND COALESCE(o.hearing_at, o.applied_at) < m.cutoff
WHERE o.order_type = 'DVPO' AND o.status = 'refused'
GROUP BY m.month, o.lpa_id
