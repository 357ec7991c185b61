-- id: dvds_checks_in_time
-- title: DVDS initial checks within 24 hours
-- definition: Of the Clare's Law applications received in the month, the percentage whose initial checks were done within the policy's hours of receipt, in real elapsed hours (24 hours across a clock change, not a wall-clock day). An application counts once its deadline has passed by the as-of date, or earlier if already checked; one never checked counts as late.
-- unit: percent
-- better: higher
-- aggregate: sum
-- policy: dvds_initial_checks_hours
-- breakdowns: month, quarter, ytd, lpa
-- series_break: none
-- commitment: 53
-- seed: domain.md Clare's Law: 'initial checks within 24 hours'; 001 §19 outcomes and trends

SELECT m.month, a.lpa_id,
       SUM(CASE WHEN a.checks_seconds <= a.limit_seconds THEN 1 ELSE 0 END) AS num,
       COUNT(*) AS den
FROM (
    -- Local wall-clock times read as Europe/London, so the difference is real time.
    SELECT d.lpa_id, d.received_at,
           DATE_DIFF('second', d.received_at AT TIME ZONE 'Europe/London',
                     d.initial_checks_at AT TIME ZONE 'Europe/London') AS checks_seconds,
           DATE_DIFF('second', d.received_at AT TIME ZONE 'Europe/London',
                     p.as_of_end AT TIME ZONE 'Europe/London') AS open_seconds,
           p.dvds_initial_checks_hours * 3600 AS limit_seconds
    FROM dvds_applications d
    CROSS JOIN params p
) a
JOIN months m ON CAST(DATE_TRUNC('month', a.received_at) AS DATE) = m.month AND a.received_at < m.cutoff
WHERE a.open_seconds > a.limit_seconds OR a.checks_seconds <= a.limit_seconds
GROUP BY m.month, a.lpa_id
