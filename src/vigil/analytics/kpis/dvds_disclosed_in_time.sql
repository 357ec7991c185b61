-- id: dvds_disclosed_in_time
-- title: DVDS disclosures within 28 days
-- definition: Of the Clare's Law disclosures made in the month, the percentage made within the policy's days of the application being received (2023 guidance: decision and disclosure within 28 days).
-- unit: percent
-- better: higher
-- aggregate: sum
-- policy: dvds_decision_days
-- breakdowns: month, quarter, ytd, lpa
-- series_break: none
-- commitment: 53
-- seed: domain.md Clare's Law: 'decision and disclosure within 28 days of the application (2023 guidance)'; 001 §19 outcomes
SELECT m.month, d.lpa_id,
       SUM(CASE WHEN DATE_DIFF('day', CAST(d.received_at AS DATE), CAST(d.disclosed_at AS DATE)) <= p.dvds_decision_days
                THEN 1 ELSE 0 END) AS num,
       COUNT(*) AS den
FROM dvds_applications d
CROSS JOIN params p
JOIN months m ON CAST(DATE_TRUNC('month', d.disclosed_at) AS DATE) = m.month AND d.disclosed_at < m.cutoff
WHERE d.disclosed_at IS NOT NULL
GROUP BY m.month, d.lpa_id
