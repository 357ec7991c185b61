-- id: victim_outcome_rate
-- title: Victim outcome rate
-- definition: The positive outcome rate counting only DA crimes with a recorded victim, leaving out state-based offences (public order, breach of an order) that inflate the all-crime rate.
-- unit: percent
-- better: higher
-- aggregate: sum
-- policy: positive_outcome_codes
-- breakdowns: month, quarter, ytd, lpa
-- series_break: counting_rule
-- commitment: 49
-- seed: 002: 'Sat below this figure is a victim outcome rate which, when WMP went into engaged status, was 3.5%, the lowest in the country.'
SELECT month, lpa_id, SUM(num) AS num, SUM(den) AS den
FROM (
    SELECT m.month, c.lpa_id, 1 AS num, 0 AS den
    FROM outcomes o
    JOIN crimes c ON c.id = o.crime_id
    LEFT JOIN outcome_codes oc ON oc.code = o.code
    JOIN months m ON CAST(DATE_TRUNC('month', o.outcome_at) AS DATE) = m.month AND o.outcome_at < m.cutoff
    WHERE c.is_domestic_abuse AND (c.offence_group NOT IN ('public_order', 'breach_of_order') AND c.id IN (SELECT crime_id FROM crime_parties WHERE role = 'victim')) AND ((o.code IN (SELECT code FROM positive_outcome_codes) OR oc.parent_code IN (SELECT code FROM positive_outcome_codes)))
    UNION ALL
    SELECT m.month, c.lpa_id, 0 AS num, 1 AS den
    FROM crimes c
    JOIN months m ON CAST(DATE_TRUNC('month', c.recorded_at) AS DATE) = m.month AND c.recorded_at < m.cutoff
    WHERE c.is_domestic_abuse AND (c.offence_group NOT IN ('public_order', 'breach_of_order') AND c.id IN (SELECT crime_id FROM crime_parties WHERE role = 'victim'))
) AS parts
GROUP BY month, lpa_id
