-- id: nmo_breach_arrests
-- title: Arrests for non-molestation order breaches
-- definition: Arrests in the month for breach of a non-molestation order.
-- unit: count
-- better: higher
-- aggregate: sum
-- policy: none
-- breakdowns: month, quarter, ytd, lpa
-- series_break: none
-- commitment: 53
-- seed: 000 §5.1: 'arrests for breaches of non-molestation orders ... reduced from an average of 52 ... to an average of 43 per month'
SELECT m.month, o.lpa_id, COUNT(*) AS num, CAST(NULL AS DOUBLE) AS den
FROM arrests a
JOIN orders o ON o.id = a.for_breach_of_id
JOIN months m ON CAST(DATE_TRUNC('month', a.arrested_at) AS DATE) = m.month AND a.arrested_at < m.cutoff
WHERE o.order_type IN ('NMO')
GROUP BY m.month, o.lpa_id
