-- id: spo_in_progress
-- title: SPO applications in progress
-- definition: Stalking protection order applications made before the month end and neither granted nor refused by then (an application later refused counts until its hearing).
-- unit: count
-- better: neutral
-- aggregate: last
-- policy: none
-- breakdowns: month, quarter, ytd, lpa
-- series_break: none
-- commitment: 53
-- seed: 000 §5.6: '61 are in progress'
SELECT m.month, o.lpa_id, COUNT(*) AS num, CAST(NULL AS DOUBLE) AS den
FROM orders o
JOIN months m ON o.applied_at < m.cutoff
             AND (o.status = 'applied'
                  OR (o.status <> 'refused' AND o.served_at >= m.cutoff)
                  OR (o.status = 'refused' AND o.hearing_at >= m.cutoff))
WHERE o.order_type IN ('SPO', 'ISPO')
GROUP BY m.month, o.lpa_id
