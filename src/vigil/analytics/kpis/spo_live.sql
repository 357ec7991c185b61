-- id: spo_live
-- title: SPOs in place
-- definition: Full and interim stalking protection orders in force at the end of the month (made before the month end and not ended by then).
-- unit: count
-- better: neutral
-- aggregate: last
-- policy: none
-- breakdowns: month, quarter, ytd, lpa
-- series_break: none
-- commitment: 53
-- seed: 000 §5.6: 'The Force currently has 64 full and interim SPOs in place'
SELECT m.month, o.lpa_id, COUNT(*) AS num, CAST(NULL AS DOUBLE) AS den
FROM orders o
JOIN months m ON COALESCE(o.starts_on, CAST(o.served_at AS DATE)) < CAST(m.cutoff AS DATE)
             AND (o.ends_on IS NULL OR o.ends_on >= CAST(m.cutoff AS DATE))
WHERE o.order_type IN ('SPO', 'ISPO') AND o.status IN ('live', 'expired', 'discharged')
GROUP BY m.month, o.lpa_id
