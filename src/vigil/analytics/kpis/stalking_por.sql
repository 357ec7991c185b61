-- id: stalking_por
-- title: Stalking positive outcome rate
-- definition: The positive outcome rate for DA stalking crimes (the stalking and harassment offence group, offence naming stalking): positive outcomes in the month over such crimes recorded in the month. Shown apart from harassment, as the force reports them.
-- unit: percent
-- better: higher
-- aggregate: sum
-- policy: positive_outcome_codes
-- breakdowns: month, quarter, ytd, lpa
-- series_break: counting_rule
-- commitment: 53
-- seed: domain.md measures: 'DA stalking and harassment positive outcome rates' (each rate separately); 000 §5.5-5.6 stalking oversight
SELECT month, lpa_id, SUM(num) AS num, SUM(den) AS den
FROM (
    SELECT m.month, c.lpa_id, 1 AS num, 0 AS den
    FROM outcomes o
    JOIN crimes c ON c.id = o.crime_id
    LEFT JOIN outcome_codes oc ON oc.code = o.code
    JOIN months m ON CAST(DATE_TRUNC('month', o.outcome_at) AS DATE) = m.month AND o.outcome_at < m.cutoff
    WHERE c.is_domestic_abuse AND c.offence_group = 'stalking_harassment' AND lower(c.offence) LIKE '%stalk%'
      AND (o.code IN (SELECT code FROM positive_outcome_codes) OR oc.parent_code IN (SELECT code FROM positive_outcome_codes))
    UNION ALL
    SELECT m.month, c.lpa_id, 0 AS num, 1 AS den
    FROM crimes c
    JOIN months m ON CAST(DATE_TRUNC('month', c.recorded_at) AS DATE) = m.month AND c.recorded_at < m.cutoff
    WHERE c.is_domestic_abuse AND c.offence_group = 'stalking_harassment' AND lower(c.offence) LIKE '%stalk%'
) AS parts
GROUP BY month, lpa_id
