-- id: encompass_on_time
-- title: Encompass notifications on time
-- definition: Of the children aged 4 to 17 on DA incidents reported in the month, the percentage whose school (or local authority, for a child educated at home) was notified by the start of the next school day: 08:30 on the next school day of the local authority of the child's school, its own term dates, the same deadline as the task. A child never notified counts as late once the deadline has passed; by the local authority of the child's school.
-- unit: percent
-- better: higher
-- aggregate: sum
-- policy: encompass_age_from, encompass_age_to, school_day_start, school term dates per local authority
-- breakdowns: month, quarter, ytd, lpa
-- series_break: none
-- commitment: 56
-- seed: 000 §6.1: 'reporting times are positive and timely with a focus on a Monday morning to ensure that weekend reporting is not delayed'
SELECT m.month, d.local_authority_id AS lpa_id,
       SUM(CASE WHEN d.notified_at IS NOT NULL AND d.notified_at <= d.due_at THEN 1 ELSE 0 END) AS num,
       COUNT(*) AS den
FROM encompass_duties d
JOIN months m ON CAST(DATE_TRUNC('month', d.reported_at) AS DATE) = m.month AND d.reported_at < m.cutoff
WHERE d.due_at < m.cutoff OR (d.notified_at IS NOT NULL AND d.notified_at < m.cutoff)
GROUP BY m.month, d.local_authority_id
