-- id: dvds_form_quality_poor
-- title: DVDS application forms of poor quality
-- definition: Of the Clare's Law applications received in the month whose form was rated, the percentage rated poor (the applicant had to be asked again before the checks could start).
-- unit: percent
-- better: lower
-- aggregate: sum
-- policy: none
-- breakdowns: month, quarter, ytd, lpa
-- series_break: none
-- commitment: 53
-- seed: 001 §19: 'a database which will collect information around the quality of the forms, outcomes of the requests and assess trends in the data'
SELECT m.month, d.lpa_id, SUM(CASE WHEN d.form_quality = 'poor' THEN 1 ELSE 0 END) AS num,
       COUNT(*) AS den
FROM dvds_applications d
JOIN months m ON CAST(DATE_TRUNC('month', d.received_at) AS DATE) = m.month AND d.received_at < m.cutoff
WHERE d.form_quality IN ('good', 'adequate', 'poor')
GROUP BY m.month, d.lpa_id
