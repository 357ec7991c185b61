-- id: order_breaches_police_found
-- title: Order breaches found by police checks
-- definition: Breaches of protective orders (every type) reported in the month that police found at a proactive check.
-- unit: count
-- better: neutral
-- aggregate: sum
-- policy: none
-- breakdowns: month, quarter, ytd, lpa
-- series_break: none
-- commitment: 53
-- seed: 000 §5.7: 'The number of police generated breaches and victim reporting breaches will be tracked and reported on going forward'
SELECT m.month, o.lpa_id, COUNT(*) AS num, CAST(NULL AS DOUBLE) AS den
FROM order_breaches b
JOIN orders o ON o.id = b.order_id
JOIN months m ON CAST(DATE_TRUNC('month', b.reported_at) AS DATE) = m.month AND b.reported_at < m.cutoff
WHERE b.reported_by = 'police'
GROUP BY m.month, o.lpa_id
