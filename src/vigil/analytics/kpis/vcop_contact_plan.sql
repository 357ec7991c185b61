-- id: vcop_contact_plan
-- title: Victims' Code: contact plan recorded
-- definition: Of the victims of DA crimes recorded in the month, the percentage with a contact plan recorded (by the as-of date).
-- unit: percent
-- better: higher
-- aggregate: sum
-- policy: none
-- breakdowns: month, quarter, ytd, lpa
-- series_break: none
-- commitment: 49
-- seed: domain.md Victims' Code: 'a needs assessment and a contact plan recorded'
SELECT m.month, c.lpa_id, SUM(CASE WHEN v.contact_plan_at IS NOT NULL AND v.contact_plan_at < p.as_of_end THEN 1 ELSE 0 END) AS num,
       COUNT(*) AS den
FROM victim_care v
CROSS JOIN params p
JOIN crimes c ON c.id = v.crime_id
JOIN months m ON CAST(DATE_TRUNC('month', c.recorded_at) AS DATE) = m.month AND c.recorded_at < m.cutoff
WHERE c.is_domestic_abuse
GROUP BY m.month, c.lpa_id
