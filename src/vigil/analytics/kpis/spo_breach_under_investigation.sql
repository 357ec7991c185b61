-- id: spo_breach_under_investigation
-- title: SPO breaches still under investigation
-- definition: Of the SPO breaches (full and interim) reported in the month, the percentage that are still under investigation.
-- unit: percent
-- better: neutral
-- aggregate: sum
-- policy: none
-- breakdowns: month, quarter, ytd, lpa
-- series_break: none
-- commitment: 53
-- seed: 000 §5.6: '27 reported breaches of SPOs ... 10 of which have resulted in a charge, 5 are still under investigation'
SELECT m.month, o.lpa_id,
       SUM(CASE WHEN b.result = 'investigating' THEN 1 ELSE 0 END) AS num, COUNT(*) AS den
FROM order_breaches b
JOIN orders o ON o.id = b.order_id
JOIN months m ON CAST(DATE_TRUNC('month', b.reported_at) AS DATE) = m.month AND b.reported_at < m.cutoff
WHERE o.order_type IN ('SPO', 'ISPO')
GROUP BY m.month, o.lpa_id
