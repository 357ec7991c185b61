-- id: dip_sample_disagreement_rate
-- title: QA dip samples disagreeing with the risk level
-- definition: Of the dip-sampled standard-risk assessments reviewed in the month, the percentage where the reviewing supervisor disagreed with the final risk level (by the LPA of the incident or crime assessed).
-- unit: percent
-- better: lower
-- aggregate: sum
-- policy: qa_dip_sample_share
-- breakdowns: month, quarter, ytd, lpa
-- series_break: none
-- commitment: 51
-- seed: issue 10: 'a QA dip sample records agree / disagree with the risk level and why (the disagreement rate becomes a KPI)'
SELECT m.month, COALESCE(i.lpa_id, c.lpa_id) AS lpa_id,
       SUM(CASE WHEN r.agrees THEN 0 ELSE 1 END) AS num,
       COUNT(*) AS den
FROM dip_sample_reviews r
JOIN risk_assessments a ON a.id = r.assessment_id
LEFT JOIN incidents i ON i.id = a.incident_id
LEFT JOIN crimes c ON c.id = a.crime_id
JOIN months m ON CAST(DATE_TRUNC('month', r.reviewed_at) AS DATE) = m.month AND r.reviewed_at < m.cutoff
GROUP BY m.month, COALESCE(i.lpa_id, c.lpa_id)
