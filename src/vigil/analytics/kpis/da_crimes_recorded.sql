-- id: da_crimes_recorded
-- title: Recorded DA crimes
-- definition: Crimes recorded in the month with the Home Office domestic abuse flag, by the month they were recorded.
-- unit: count
-- better: neutral
-- aggregate: sum
-- policy: counting_rule_break
-- breakdowns: month, quarter, ytd, lpa
-- series_break: counting_rule
-- commitment: 49
-- seed: 000 §1.1.3: 'a 1% increase in the number of DA crimes that have been recorded in the year to date compared with 2024-2025 ... 4.97% lower than the 2023-2024 period'
SELECT m.month, c.lpa_id AS lpa_id, COUNT(*) AS num, CAST(NULL AS DOUBLE) AS den
FROM crimes c
JOIN months m ON CAST(DATE_TRUNC('month', c.recorded_at) AS DATE) = m.month AND c.recorded_at < m.cutoff
WHERE c.is_domestic_abuse
GROUP BY m.month, c.lpa_id
