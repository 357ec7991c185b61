-- id: review_key_risks_asked_share
-- title: Logs where key risk factors were asked
-- definition: Of the logs reviewed in the month, the percentage where the call handler asked about key risk factors (e.g. recent separation).
-- unit: percent
-- better: higher
-- aggregate: sum
-- policy: none
-- breakdowns: month, quarter, ytd, lpa
-- series_break: none
-- commitment: 50
-- seed: domain.md Calls and incidents: control-room review records whether the log shows reassurance, support services, children identified, key risk factors, victim-blaming language
SELECT m.month, i.lpa_id, SUM(CASE WHEN v.key_risk_factors_asked THEN 1 ELSE 0 END) AS num, COUNT(*) AS den
FROM log_reviews v
JOIN incidents i ON i.id = v.incident_id
JOIN months m ON CAST(DATE_TRUNC('month', v.reviewed_at) AS DATE) = m.month AND v.reviewed_at < m.cutoff
GROUP BY m.month, i.lpa_id
