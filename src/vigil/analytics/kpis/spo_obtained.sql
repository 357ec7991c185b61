-- id: spo_obtained
-- title: SPOs obtained
-- definition: Full and interim stalking protection orders made in the month.
-- unit: count
-- better: higher
-- aggregate: sum
-- policy: none
-- breakdowns: month, quarter, ytd, lpa
-- series_break: none
-- commitment: 53
-- seed: 000 §5.6: '21 full and interim SPOs have been obtained during the current performance year'
SELECT m.month, o.lpa_id, COUNT(*) AS num, CAST(NULL AS DOUBLE) AS den
FROM orders o
JOIN months m ON CAST(DATE_TRUNC('month', COALESCE(o.served_at, CAST(o.starts_on AS TIMESTAMP))) AS DATE) = m.month
             AND COALESCE(o.served_at, CAST(o.starts_on AS TIMESTAMP)) < m.cutoff
WHERE o.order_type IN ('SPO', 'ISPO') AND o.status IN ('live', 'expired', 'discharged')
GROUP BY m.month, o.lpa_id
