-- id: positive_outcomes
-- title: DA positive outcomes
-- definition: Positive outcomes assigned to DA crimes in the month, by the date of the outcome; the year-to-date difference against last year is the 'additional positive outcomes'.
-- unit: count
-- better: higher
-- aggregate: sum
-- policy: positive_outcome_codes
-- breakdowns: month, quarter, ytd, lpa
-- series_break: none
-- commitment: 49
-- seed: 000 §2.2: 'an additional 2331 investigations having a positive outcome compared to the same point last year'
SELECT m.month, c.lpa_id, COUNT(*) AS num, CAST(NULL AS DOUBLE) AS den
FROM outcomes o
JOIN crimes c ON c.id = o.crime_id
LEFT JOIN outcome_codes oc ON oc.code = o.code
JOIN months m ON CAST(DATE_TRUNC('month', o.outcome_at) AS DATE) = m.month AND o.outcome_at < m.cutoff
WHERE c.is_domestic_abuse AND (o.code IN (SELECT code FROM positive_outcome_codes) OR oc.parent_code IN (SELECT code FROM positive_outcome_codes))
GROUP BY m.month, c.lpa_id
