-- id: dvds_applications
-- title: DVDS applications
-- definition: Clare's Law applications received in the month (Right to Ask and Right to Know).
-- unit: count
-- better: neutral
-- aggregate: sum
-- policy: none
-- breakdowns: month, quarter, ytd, lpa
-- series_break: none
-- commitment: 53
-- seed: domain.md measures: 'DVDS volumes, outcomes and timeliness'
SELECT m.month, d.lpa_id AS lpa_id, COUNT(*) AS num, CAST(NULL AS DOUBLE) AS den
FROM dvds_applications d
JOIN months m ON CAST(DATE_TRUNC('month', d.received_at) AS DATE) = m.month AND d.received_at < m.cutoff
WHERE TRUE
GROUP BY m.month, d.lpa_id
