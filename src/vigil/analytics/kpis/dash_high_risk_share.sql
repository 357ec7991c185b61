-- id: dash_high_risk_share
-- title: Share of DASH assessed high risk
-- definition: Of the risk assessments made in the month, the percentage whose final level is high. CAADA expected about 10 % (WMP had 5 %).
-- unit: percent
-- better: neutral
-- aggregate: sum
-- policy: high_risk_share_expected
-- breakdowns: month, quarter, ytd, lpa
-- series_break: none
-- commitment: 51
-- seed: domain.md Risk assessment: 'the share of victims assessed high is monitored against the 10 % that CAADA expected'
SELECT m.month, COALESCE(i.lpa_id, c.lpa_id) AS lpa_id,
       SUM(CASE WHEN a.final_level >= p.high_risk_level THEN 1 ELSE 0 END) AS num,
       COUNT(*) AS den
FROM risk_assessments a
CROSS JOIN params p
LEFT JOIN incidents i ON i.id = a.incident_id
LEFT JOIN crimes c ON c.id = a.crime_id
JOIN months m ON CAST(DATE_TRUNC('month', a.assessed_at) AS DATE) = m.month AND a.assessed_at < m.cutoff
GROUP BY m.month, COALESCE(i.lpa_id, c.lpa_id)
