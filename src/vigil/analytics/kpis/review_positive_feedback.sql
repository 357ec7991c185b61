-- id: review_positive_feedback
-- title: Positive feedback given
-- definition: Reviews in the month with feedback of a positive nature.
-- unit: count
-- better: higher
-- aggregate: sum
-- policy: none
-- breakdowns: month, quarter, ytd, lpa
-- series_break: none
-- commitment: 50
-- seed: 000 §3.2: control-room performance measures tracked since March 2025: 'Positive feedback given'
SELECT m.month, i.lpa_id, SUM(CASE WHEN v.positive_feedback THEN 1 ELSE 0 END) AS num,
       CAST(NULL AS DOUBLE) AS den
FROM log_reviews v
JOIN incidents i ON i.id = v.incident_id
JOIN months m ON CAST(DATE_TRUNC('month', v.reviewed_at) AS DATE) = m.month AND v.reviewed_at < m.cutoff
GROUP BY m.month, i.lpa_id
