-- id: desk_rvr_within_target
-- title: Video contacts within the RVR target
-- definition: Of the DA desk's video contacts recorded in the month, the percentage where the victim was on video within the policy target of minutes from the call (seed 003: about 10).
-- unit: percent
-- better: higher
-- aggregate: sum
-- policy: rvr_target_minutes
-- breakdowns: month, quarter, ytd, lpa
-- series_break: none
-- commitment: 50
-- seed: 003: 'Victims are transferred through to an officer within approximately 10 mins'; the deployment SLA is 24 hours
SELECT m.month, i.lpa_id, SUM(CASE WHEN DATE_DIFF('second', i.reported_at, d.video_contact_at) <= p.rvr_target_minutes * 60 THEN 1 ELSE 0 END) AS num, COUNT(*) AS den
FROM desk_contacts d
JOIN incidents i ON i.id = d.incident_id
CROSS JOIN params p
JOIN months m ON CAST(DATE_TRUNC('month', d.recorded_at) AS DATE) = m.month AND d.recorded_at < m.cutoff
WHERE d.video_contact_at IS NOT NULL
GROUP BY m.month, i.lpa_id
