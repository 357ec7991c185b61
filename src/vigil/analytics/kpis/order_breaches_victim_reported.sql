-- id: order_breaches_victim_reported
-- title: Order breaches reported by victims
-- definition: Breaches of protective orders (every type) reported in the month by the victim.
-- unit: count
-- better: neutral
-- aggregate: sum
-- policy: none
-- breakdowns: month, quarter, ytd, lpa
-- series_break: none
-- commitment: 53
-- seed: 000 §5.7: 'Proactive checks allow for victims to feel supported and able to report breaches. The number of police generated breaches and victim reporting breaches will be tracked'
SELECT m.month, o.lpa_id, COUNT(*) AS num, CAST(NULL AS DOUBLE) AS den
FROM order_breaches b
JOIN orders o ON o.id = b.order_id
JOIN months m ON CAST(DATE_TRUNC('month', b.reported_at) AS DATE) = m.month AND b.reported_at < m.cutoff
WHERE b.reported_by = 'victim'
GROUP BY m.month, o.lpa_id
