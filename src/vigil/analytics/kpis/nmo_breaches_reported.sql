-- id: nmo_breaches_reported
-- title: Non-molestation order breaches reported
-- definition: Reported breaches of non-molestation orders in the month, by the LPA of the order.
-- unit: count
-- better: neutral
-- aggregate: sum
-- policy: none
-- breakdowns: month, quarter, ytd, lpa
-- series_break: none
-- commitment: 53
-- seed: 000 §5.1: 'Reported breaches of non-molestation orders have decreased from 266 during April-June 2024 to 218'
SELECT m.month, o.lpa_id, COUNT(*) AS num, CAST(NULL AS DOUBLE) AS den
FROM order_breaches b
JOIN orders o ON o.id = b.order_id
JOIN months m ON CAST(DATE_TRUNC('month', b.reported_at) AS DATE) = m.month AND b.reported_at < m.cutoff
WHERE o.order_type IN ('NMO')
GROUP BY m.month, o.lpa_id
