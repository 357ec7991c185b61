-- id: positive_outcome_rate
-- title: DA positive outcome rate
-- definition: Positive outcomes assigned to DA crimes in the month (by the date of the outcome, whenever the crime was recorded) as a percentage of DA crimes recorded in the month. A crime with no outcome yet counts in the denominator only.
-- unit: percent
-- better: higher
-- aggregate: sum
-- policy: positive_outcome_codes (default 1, 1A, 2, 2A, 3, 3A, 4, 6, 7, 8; a local sub-code counts with its parent)
-- breakdowns: month, quarter, ytd, lpa
-- series_break: counting_rule
-- commitment: 49
-- seed: 000 §2.2: 'The End of Year DA positive outcome rate for the year ending March 2024 was 5.73%. The current Year to Date positive outcome is 13.1% and the monthly positive outcome rate for January 2026 was 15.8%'
SELECT month, lpa_id, SUM(num) AS num, SUM(den) AS den
FROM (
    SELECT m.month, c.lpa_id, 1 AS num, 0 AS den
    FROM outcomes o
    JOIN crimes c ON c.id = o.crime_id
    LEFT JOIN outcome_codes oc ON oc.code = o.code
    JOIN months m ON CAST(DATE_TRUNC('month', o.outcome_at) AS DATE) = m.month AND o.outcome_at < m.cutoff
    WHERE c.is_domestic_abuse AND (TRUE) AND ((o.code IN (SELECT code FROM positive_outcome_codes) OR oc.parent_code IN (SELECT code FROM positive_outcome_codes)))
    UNION ALL
    SELECT m.month, c.lpa_id, 0 AS num, 1 AS den
    FROM crimes c
    JOIN months m ON CAST(DATE_TRUNC('month', c.recorded_at) AS DATE) = m.month AND c.recorded_at < m.cutoff
    WHERE c.is_domestic_abuse AND (TRUE)
) AS parts
GROUP BY month, lpa_id
