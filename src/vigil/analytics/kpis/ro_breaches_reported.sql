-- id: ro_breaches_reported
-- title: Restraining order breaches reported
-- definition: Reported breaches of restraining orders (on conviction or acquittal) in the month, by the LPA of the order.
-- unit: count
-- better: neutral
-- aggregate: sum
-- policy: none
-- breakdowns: month, quarter, ytd, lpa
-- series_break: none
-- commitment: 53
-- seed: 000 §5.1: 'This partly reflects an increase in reported offences from 157 to 202 in these periods'
SELECT m.month, o.lpa_id, COUNT(*) AS num, CAST(NULL AS DOUBLE) AS den
FROM order_breaches b
JOIN orders o ON o.id = b.order_id
JOIN months m ON CAST(DATE_TRUNC('month', b.reported_at) AS DATE) = m.month AND b.reported_at < m.cutoff
WHERE o.order_type IN ('RO', 'ROA')
GROUP BY m.month, o.lpa_id
