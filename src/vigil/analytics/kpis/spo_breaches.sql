-- id: spo_breaches
-- title: SPO breaches reported
-- definition: Reported breaches of full and interim stalking protection orders in the month.
-- unit: count
-- better: neutral
-- aggregate: sum
-- policy: none
-- breakdowns: month, quarter, ytd, lpa
-- series_break: none
-- commitment: 53
-- seed: 000 §5.6: 'There have been 27 reported breaches of SPOs during this period'
SELECT m.month, o.lpa_id, COUNT(*) AS num, CAST(NULL AS DOUBLE) AS den
FROM order_breaches b
JOIN orders o ON o.id = b.order_id
JOIN months m ON CAST(DATE_TRUNC('month', b.reported_at) AS DATE) = m.month AND b.reported_at < m.cutoff
WHERE o.order_type IN ('SPO', 'ISPO')
GROUP BY m.month, o.lpa_id
