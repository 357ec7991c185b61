-- id: nmo_breaches_arrested
-- title: NMO breaches ending in arrest
-- definition: Of the non-molestation order breaches reported in the month, the percentage followed by an arrest for breach of that order (the breach's own arrest, or an arrest for breach of the order at or after the report and before the month's cutoff).
-- unit: percent
-- better: higher
-- aggregate: sum
-- policy: none
-- breakdowns: month, quarter, ytd, lpa
-- series_break: none
-- commitment: 53
-- seed: 000 §5.1: 'Reported breaches of non-molestation orders have decreased ... This has resulted in a decrease in the numbers of arrests for breaches of non-molestation orders'
SELECT m.month, o.lpa_id,
       SUM(CASE WHEN b.arrest_id IS NOT NULL OR EXISTS (
               SELECT 1 FROM arrests a
               WHERE a.for_breach_of_id = b.order_id AND a.arrested_at >= b.reported_at
                 AND a.arrested_at < m.cutoff
           ) THEN 1 ELSE 0 END) AS num,
       COUNT(*) AS den
FROM order_breaches b
JOIN orders o ON o.id = b.order_id
JOIN months m ON CAST(DATE_TRUNC('month', b.reported_at) AS DATE) = m.month AND b.reported_at < m.cutoff
WHERE o.order_type = 'NMO'
GROUP BY m.month, o.lpa_id
