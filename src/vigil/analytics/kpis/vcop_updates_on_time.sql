-- id: vcop_updates_on_time
-- title: Victims' Code: victims told within a working day
-- definition: Of the arrests, bail, releases and charges of suspects of DA crimes in the month (one per victim of the crime), the percentage whose victim was told of it by the end of the next working day (the task's own deadline: weekends and England bank holidays are not working days). An event counts once its deadline has passed by the as-of date, or earlier if the victim was already told; a victim never told counts as late.
-- unit: percent
-- better: higher
-- aggregate: sum
-- policy: vcop_update_working_days
-- breakdowns: month, quarter, ytd, lpa
-- series_break: none
-- commitment: 49
-- seed: 002 Victims' Code compliance; domain.md Victims' Code: victims are told of an arrest, bail, release or charge within a working day

SELECT m.month, t.lpa_id, SUM(CASE WHEN t.told_in_time THEN 1 ELSE 0 END) AS num, COUNT(*) AS den
FROM (
    SELECT c.lpa_id, e.event_at, d.due_end,
           EXISTS (SELECT 1 FROM victim_care v JOIN victim_updates u ON u.care_id = v.id
                   WHERE v.crime_id = e.crime_id AND v.victim_key = cp.person_key
                     AND u.reason = e.event AND u.told_at >= e.event_at AND u.told_at <= d.due_end)
               AS told_in_time
    FROM (
        SELECT a.crime_id, 'arrest' AS event, a.arrested_at AS event_at
        FROM arrests a
        UNION ALL
        SELECT a.crime_id,
               CASE WHEN a.disposal IN ('charged', 'remanded') THEN 'charge'
                    WHEN a.disposal IN ('bail', 'bail_conditions') THEN 'bail'
                    ELSE 'release' END AS event,
               CASE WHEN a.disposal IN ('bail', 'bail_conditions') THEN COALESCE(b.granted_at, a.released_at)
                    ELSE a.released_at END AS event_at
        FROM arrests a LEFT JOIN bail b ON b.arrest_id = a.id
        WHERE a.disposal IN ('charged', 'remanded', 'bail', 'bail_conditions', 'rui', 'nfa', 'caution')
    ) e
    JOIN crimes c ON c.id = e.crime_id AND c.is_domestic_abuse
    JOIN crime_parties cp ON cp.crime_id = e.crime_id AND cp.role = 'victim'
    JOIN vcop_update_deadlines d ON d.day = CAST(e.event_at AS DATE)
    WHERE e.event_at IS NOT NULL
) t
CROSS JOIN params p
JOIN months m ON CAST(DATE_TRUNC('month', t.event_at) AS DATE) = m.month AND t.event_at < m.cutoff
WHERE t.due_end < p.as_of_end OR t.told_in_time
GROUP BY m.month, t.lpa_id
