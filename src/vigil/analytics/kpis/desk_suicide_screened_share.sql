-- id: desk_suicide_screened_share
-- title: DA desk contacts with suicide-risk screening
-- definition: Of the new DA incidents the DA desk recorded in the month, the percentage where the DA suicide-risk screening was done.
-- unit: percent
-- better: higher
-- aggregate: sum
-- policy: none
-- breakdowns: month, quarter, ytd, lpa
-- series_break: none
-- commitment: 50
-- seed: 002: the Domestic Abuse Suicide Screening Toolkit project linked to the DA desk
SELECT m.month, i.lpa_id, SUM(CASE WHEN d.suicide_screened THEN 1 ELSE 0 END) AS num, COUNT(*) AS den
FROM desk_contacts d
JOIN incidents i ON i.id = d.incident_id
CROSS JOIN params p
JOIN months m ON CAST(DATE_TRUNC('month', d.recorded_at) AS DATE) = m.month AND d.recorded_at < m.cutoff
GROUP BY m.month, i.lpa_id
