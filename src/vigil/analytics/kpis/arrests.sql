-- id: arrests
-- title: DA arrests
-- definition: Arrests of DA suspects in the month (including arrests for breach of an order); by the LPA of the crime, or force only when the arrest has no crime.
-- unit: count
-- better: higher
-- aggregate: sum
-- policy: none
-- breakdowns: month, quarter, ytd, lpa
-- series_break: none
-- commitment: 53
-- seed: 000 §5.1: 'The number of arrests for DA offences has increased from 5075 during April-June 2024 to 5732 during Oct-Dec 2025'
SELECT m.month, c.lpa_id, COUNT(*) AS num, CAST(NULL AS DOUBLE) AS den
FROM arrests a
LEFT JOIN crimes c ON c.id = a.crime_id
JOIN months m ON CAST(DATE_TRUNC('month', a.arrested_at) AS DATE) = m.month AND a.arrested_at < m.cutoff
-- DA crimes only (an arrest for a non-DA crime is not a DA arrest); an arrest with no
-- crime is for breach of an order, which is DA.
WHERE a.crime_id IS NULL OR c.is_domestic_abuse
GROUP BY m.month, c.lpa_id
