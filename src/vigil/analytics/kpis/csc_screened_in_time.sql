-- id: csc_screened_in_time
-- title: DA incidents with children screened for children's social care in time
-- definition: Of the DA incidents with a child (present or not) reported in the month, the percentage screened for children's social care within the policy limit of hours of the report (local practice: 24). An incident never screened counts as late once the limit has passed; by LPA of the incident.
-- unit: percent
-- better: higher
-- aggregate: sum
-- policy: csc_screening_hours
-- breakdowns: month, quarter, ytd, lpa
-- series_break: none
-- commitment: 56
-- seed: 000 §4.4: 'Any DA incident where a child is involved is subject of a screening process to assess whether the child needs to be referred into Children's Services'
SELECT m.month, a.lpa_id,
       SUM(CASE WHEN a.screen_seconds <= a.limit_seconds THEN 1 ELSE 0 END) AS num,
       COUNT(*) AS den
FROM (
    -- Local wall-clock times read as Europe/London, so the difference is real time.
    SELECT w.lpa_id, w.reported_at,
           DATE_DIFF('second', w.reported_at AT TIME ZONE 'Europe/London',
                     s.screened_at AT TIME ZONE 'Europe/London') AS screen_seconds,
           DATE_DIFF('second', w.reported_at AT TIME ZONE 'Europe/London',
                     p.as_of_end AT TIME ZONE 'Europe/London') AS open_seconds,
           p.csc_screening_hours * 3600 AS limit_seconds
    FROM (SELECT DISTINCT i.id, i.reported_at, i.lpa_id
          FROM incidents i
          JOIN incident_parties ip ON ip.incident_id = i.id AND ip.role = 'child') w
    CROSS JOIN params p
    LEFT JOIN (SELECT incident_id, MIN(screened_at) AS screened_at FROM child_screenings
               GROUP BY incident_id) s ON s.incident_id = w.id
) a
JOIN months m ON CAST(DATE_TRUNC('month', a.reported_at) AS DATE) = m.month AND a.reported_at < m.cutoff
WHERE a.open_seconds > a.limit_seconds OR a.screen_seconds <= a.limit_seconds
GROUP BY m.month, a.lpa_id
