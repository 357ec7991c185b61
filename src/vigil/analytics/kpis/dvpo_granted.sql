-- id: dvpo_granted
-- title: DVPOs granted
-- definition: DVPO applications granted by the court, by the month the order was made.
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
JOIN months m ON CAST(DATE_TRUNC('month', o.served_at) AS DATE) = m.month AND o.served_at < m.cutoff
WHERE o.order_type = 'DVPO' AND o.status IN ('live', 'expired', 'discharged')
GROUP BY m.month, o.lpa_id
