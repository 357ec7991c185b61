-- id: arrests_per_100_crimes
-- title: Arrests per 100 DA crimes
-- definition: DA arrests in the month per 100 DA crimes recorded in the month.
-- unit: per100
-- better: higher
-- aggregate: sum
-- policy: none
-- breakdowns: month, quarter, ytd, lpa
-- series_break: counting_rule
-- commitment: 53
-- seed: HMIC 2014 (seed 004): WMP 50 arrests per 100 DA crimes, most forces 45-90
SELECT month, lpa_id, SUM(num) AS num, SUM(den) AS den
FROM (
    SELECT m.month, c.lpa_id, 1 AS num, 0 AS den
    FROM arrests a
    LEFT JOIN crimes c ON c.id = a.crime_id
    JOIN months m ON CAST(DATE_TRUNC('month', a.arrested_at) AS DATE) = m.month AND a.arrested_at < m.cutoff
    WHERE a.crime_id IS NULL OR c.is_domestic_abuse
    UNION ALL
    SELECT m.month, c.lpa_id, 0 AS num, 1 AS den
    FROM crimes c
    JOIN months m ON CAST(DATE_TRUNC('month', c.recorded_at) AS DATE) = m.month AND c.recorded_at < m.cutoff
    WHERE c.is_domestic_abuse
) AS parts
GROUP BY month, lpa_id
