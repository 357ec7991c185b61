-- id: dvds_decided_in_time
-- title: DVDS decided within 28 days
-- definition: Of the DVDS applications decided in the month, the percentage decided within the policy limit of days from receipt (2023 guidance: 28).
-- unit: percent
-- better: higher
-- aggregate: sum
-- policy: dvds_decision_days
-- breakdowns: month, quarter, ytd, lpa
-- series_break: none
-- commitment: 53
-- seed: domain.md Clare's Law: 'decision and disclosure within 28 days of the application (2023 guidance)'
SELECT m.month, d.lpa_id,
       SUM(CASE WHEN DATE_DIFF('day', CAST(d.received_at AS DATE), CAST(d.decided_at AS DATE)) <= p.dvds_decision_days
                THEN 1 ELSE 0 END) AS num,
       COUNT(*) AS den
FROM dvds_applications d
CROSS JOIN params p
JOIN months m ON CAST(DATE_TRUNC('month', d.decided_at) AS DATE) = m.month AND d.decided_at < m.cutoff
WHERE d.decision IN ('disclose', 'no_disclosure')
GROUP BY m.month, d.lpa_id
