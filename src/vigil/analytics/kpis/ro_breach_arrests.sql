-- id: ro_breach_arrests
-- title: Arrests for restraining order breaches
-- definition: Arrests in the month for breach of a restraining order.
-- unit: count
-- better: higher
-- aggregate: sum
-- policy: none
-- breakdowns: month, quarter, ytd, lpa
-- series_break: none
-- commitment: 53
-- seed: 000 §5.1: 'Arrests for breaches of restraining orders have increased from an average of 37 per month ... to 49 per month'
SELECT m.month, o.lpa_id, COUNT(*) AS num, CAST(NULL AS DOUBLE) AS den
FROM arrests a
JOIN orders o ON o.id = a.for_breach_of_id
JOIN months m ON CAST(DATE_TRUNC('month', a.arrested_at) AS DATE) = m.month AND a.arrested_at < m.cutoff
WHERE o.order_type IN ('RO', 'ROA')
GROUP BY m.month, o.lpa_id
