-- id: review_reassurance_share
-- title: Logs where the victim was given reassurance
-- definition: Of the logs reviewed in the month, the percentage where the call handler gave the victim reassurance.
-- unit: percent
-- better: higher
-- aggregate: sum
-- policy: none
-- breakdowns: month, quarter, ytd, lpa
-- series_break: none
-- commitment: 50
-- seed: 000 §3.8: 'From March to December 2025 there has been a 31% increase in reassurance provided on calls'
SELECT m.month, i.lpa_id, SUM(CASE WHEN v.reassurance_given THEN 1 ELSE 0 END) AS num, COUNT(*) AS den
FROM log_reviews v
JOIN incidents i ON i.id = v.incident_id
JOIN months m ON CAST(DATE_TRUNC('month', v.reviewed_at) AS DATE) = m.month AND v.reviewed_at < m.cutoff
GROUP BY m.month, i.lpa_id
