-- id: da_incidents_recorded
-- title: Recorded DA incidents
-- definition: Calls and incidents flagged as domestic abuse, by the month they were reported (crime and non-crime).
-- unit: count
-- better: neutral
-- aggregate: sum
-- policy: none
-- breakdowns: month, quarter, ytd, lpa
-- series_break: none
-- commitment: 49
-- seed: 000 §1.1.3 and 001: DA crimes and incidents year to date against the same point in the last two years
SELECT m.month, i.lpa_id AS lpa_id, COUNT(*) AS num, CAST(NULL AS DOUBLE) AS den
FROM incidents i
JOIN months m ON CAST(DATE_TRUNC('month', i.reported_at) AS DATE) = m.month AND i.reported_at < m.cutoff
WHERE TRUE
GROUP BY m.month, i.lpa_id
