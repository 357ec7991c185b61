-- id: dvpo_granted
-- title: DVPOs granted
-- definition: DVPO applications granted by the court, by the month the court made the order (its made-on date; for an order without one, its service or start).
-- unit: count
-- better: higher
-- aggregate: sum
-- policy: none
-- breakdowns: month, quarter, ytd, lpa
-- series_break: none
-- commitment: 53
-- seed: domain.md measures: 'DVPO applications granted and refused'; 002 minutes on DVPN/DVPO use
SELECT m.month, o.lpa_id, COUNT(*) AS num, CAST(NULL AS DOUBLE) AS den
FROM orders o
JOIN months m ON CAST(DATE_TRUNC('month', COALESCE(CAST(o.made_on AS TIMESTAMP), o.served_at, CAST(o.starts_on AS TIMESTAMP))) AS DATE) = m.month
             AND COALESCE(CAST(o.made_on AS TIMESTAMP), o.served_at, CAST(o.starts_on AS TIMESTAMP)) < m.cutoff
WHERE o.order_type = 'DVPO' AND o.status IN ('live', 'expired', 'discharged')
GROUP BY m.month, o.lpa_id
