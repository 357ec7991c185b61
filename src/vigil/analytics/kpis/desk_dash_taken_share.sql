-- id: desk_dash_taken_share
-- title: DA desk contacts with a DASH taken
-- definition: Of the new DA incidents the DA desk recorded in the month, the percentage where the DASH risk assessment was taken on the contact.
-- unit: percent
-- better: higher
-- aggregate: sum
-- policy: none
-- breakdowns: month, quarter, ytd, lpa
-- series_break: none
-- commitment: 50
-- seed: 003: the DA desk's Rapid Video Response; the DASH is taken on the contact
SELECT m.month, i.lpa_id, SUM(CASE WHEN d.dash_taken THEN 1 ELSE 0 END) AS num, COUNT(*) AS den
FROM desk_contacts d
JOIN incidents i ON i.id = d.incident_id
CROSS JOIN params p
JOIN months m ON CAST(DATE_TRUNC('month', d.recorded_at) AS DATE) = m.month AND d.recorded_at < m.cutoff
GROUP BY m.month, i.lpa_id
