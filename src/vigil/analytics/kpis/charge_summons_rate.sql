-- id: charge_summons_rate
-- title: Charge/summons rate
-- definition: Outcome 1 (charge or summons, with its local sub-codes) assigned to DA crimes in the month as a percentage of DA crimes recorded in the month; reported separately from the other positive outcomes.
-- unit: percent
-- better: higher
-- aggregate: sum
-- policy: none (Home Office outcome 1)
-- breakdowns: month, quarter, ytd, lpa
-- series_break: counting_rule
-- commitment: 49
-- seed: domain.md Outcomes: 'report charge/summons (1) separately'; 004: '32% resulted in a charge'
SELECT month, lpa_id, SUM(num) AS num, SUM(den) AS den
FROM (
    SELECT m.month, c.lpa_id, 1 AS num, 0 AS den
    FROM outcomes o
    JOIN crimes c ON c.id = o.crime_id
    LEFT JOIN outcome_codes oc ON oc.code = o.code
    JOIN months m ON CAST(DATE_TRUNC('month', o.outcome_at) AS DATE) = m.month AND o.outcome_at < m.cutoff
    WHERE c.is_domestic_abuse AND (TRUE) AND ((o.code = '1' OR oc.parent_code = '1'))
    UNION ALL
    SELECT m.month, c.lpa_id, 0 AS num, 1 AS den
    FROM crimes c
    JOIN months m ON CAST(DATE_TRUNC('month', c.recorded_at) AS DATE) = m.month AND c.recorded_at < m.cutoff
    WHERE c.is_domestic_abuse AND (TRUE)
) AS parts
GROUP BY month, lpa_id
