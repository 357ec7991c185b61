-- id: bail_victim_views
-- title: Victim's views sought on bail conditions
-- definition: Of the DA suspects bailed with conditions in the month, the percentage whose victim's views on the conditions were sought and recorded before they were set.
-- unit: percent
-- better: higher
-- aggregate: sum
-- policy: none
-- breakdowns: month, quarter, ytd, lpa
-- series_break: none
-- commitment: 49
-- seed: 002: 'Police are required to engage victims around the bail conditions before they are set ... Officers are not always documenting when they have engaged with a victim'
SELECT m.month, c.lpa_id,
       SUM(CASE WHEN b.victim_views_captured THEN 1 ELSE 0 END) AS num,
       COUNT(*) AS den
FROM bail b
JOIN arrests a ON a.id = b.arrest_id
JOIN crimes c ON c.id = a.crime_id AND c.is_domestic_abuse
JOIN months m ON CAST(DATE_TRUNC('month', b.granted_at) AS DATE) = m.month AND b.granted_at < m.cutoff
WHERE a.disposal = 'bail_conditions'
GROUP BY m.month, c.lpa_id
