-- id: review_children_identified_share
-- title: Logs where children were identified
-- definition: Of the logs reviewed in the month, the percentage where children present or otherwise involved were identified.
-- unit: percent
-- better: higher
-- aggregate: sum
-- policy: none
-- breakdowns: month, quarter, ytd, lpa
-- series_break: none
-- commitment: 50
-- seed: 000 §3.8: 'a 27% increase in identifying children present or otherwise involved in DA incidents'
SELECT m.month, i.lpa_id, SUM(CASE WHEN v.children_identified THEN 1 ELSE 0 END) AS num, COUNT(*) AS den
FROM log_reviews v
JOIN incidents i ON i.id = v.incident_id
JOIN months m ON CAST(DATE_TRUNC('month', v.reviewed_at) AS DATE) = m.month AND v.reviewed_at < m.cutoff
GROUP BY m.month, i.lpa_id
