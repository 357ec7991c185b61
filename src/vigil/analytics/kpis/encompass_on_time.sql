-- id: encompass_on_time
-- title: Encompass notifications on time
-- definition: Of the Operation Encompass notifications for incidents reported in the month, the percentage sent before 09:00 on the day after the incident was reported (the start of the next school day, weekends and holidays included); by the local authority notified. Unsent notifications count as late.
-- unit: percent
-- better: higher
-- aggregate: sum
-- policy: none (statutory duty from 7 Nov 2025)
-- breakdowns: month, quarter, ytd, lpa
-- series_break: none
-- commitment: 56
-- seed: 000 §6.1: 'reporting times are positive and timely with a focus on a Monday morning to ensure that weekend reporting is not delayed'
SELECT m.month, n.local_authority_id AS lpa_id,
       SUM(CASE WHEN n.notified_at < CAST(CAST(i.reported_at AS DATE) + INTERVAL 1 DAY AS TIMESTAMP) + INTERVAL 9 HOUR
                THEN 1 ELSE 0 END) AS num,
       COUNT(*) AS den
FROM encompass_notifications n
JOIN incidents i ON i.id = n.incident_id
JOIN months m ON CAST(DATE_TRUNC('month', i.reported_at) AS DATE) = m.month AND i.reported_at < m.cutoff
GROUP BY m.month, n.local_authority_id
