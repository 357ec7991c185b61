-- id: dvds_disclosure_rate
-- title: DVDS disclosure rate
-- definition: Of the DVDS decisions made in the month (withdrawn applications excluded), the percentage that were to disclose.
-- unit: percent
-- better: neutral
-- aggregate: sum
-- policy: none
-- breakdowns: month, quarter, ytd, lpa
-- series_break: none
-- commitment: 53
-- seed: domain.md measures: 'DVDS volumes, outcomes and timeliness'
SELECT m.month, d.lpa_id, SUM(CASE WHEN d.decision = 'disclose' THEN 1 ELSE 0 END) AS num,
       COUNT(*) AS den
FROM dvds_applications d
JOIN months m ON CAST(DATE_TRUNC('month', d.decided_at) AS DATE) = m.month AND d.decided_at < m.cutoff
WHERE d.decision IN ('disclose', 'no_disclosure')
GROUP BY m.month, d.lpa_id
