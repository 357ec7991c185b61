-- id: vcop_updates_given
-- title: Victims' Code updates given
-- definition: Updates given to victims of DA crimes in the month (told of an arrest, bail, release, charge or outcome, or their regular update), by the LPA of the crime; whether recorded in Vigil or in the source system.
-- unit: count
-- better: higher
-- aggregate: sum
-- policy: vcop_update_working_days
-- breakdowns: month, quarter, ytd, lpa
-- series_break: none
-- commitment: 49
-- seed: domain.md Victims' Code: victims are told of an arrest, bail, release or charge within a working day and updated regularly
SELECT m.month, c.lpa_id, COUNT(*) AS num, CAST(NULL AS DOUBLE) AS den
FROM victim_updates u
JOIN victim_care v ON v.id = u.care_id
JOIN crimes c ON c.id = v.crime_id
JOIN months m ON CAST(DATE_TRUNC('month', u.told_at) AS DATE) = m.month AND u.told_at < m.cutoff
WHERE c.is_domestic_abuse
GROUP BY m.month, c.lpa_id
