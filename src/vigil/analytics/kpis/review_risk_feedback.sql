-- id: review_risk_feedback
-- title: Risk assessment feedback
-- definition: Reviews in the month that gave feedback on the risk assessment.
-- unit: count
-- better: neutral
-- aggregate: sum
-- policy: none
-- breakdowns: month, quarter, ytd, lpa
-- series_break: none
-- commitment: 50
-- seed: 000 §3.2: control-room performance measures tracked since March 2025: 'Risk assessment feedback'
SELECT m.month, i.lpa_id, SUM(CASE WHEN v.risk_assessment_feedback THEN 1 ELSE 0 END) AS num,
       CAST(NULL AS DOUBLE) AS den
FROM log_reviews v
JOIN incidents i ON i.id = v.incident_id
JOIN months m ON CAST(DATE_TRUNC('month', v.reviewed_at) AS DATE) = m.month AND v.reviewed_at < m.cutoff
GROUP BY m.month, i.lpa_id
