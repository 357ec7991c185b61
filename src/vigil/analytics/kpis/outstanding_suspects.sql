-- id: outstanding_suspects
-- title: Outstanding DA suspects
-- definition: Distinct DA suspects wanted (for arrest or voluntary interview) at the end of the month: wanted from before the month end and not yet resolved then.
-- unit: count
-- better: lower
-- aggregate: last
-- policy: none
-- breakdowns: month, quarter, ytd, lpa
-- series_break: none
-- commitment: 53
-- seed: domain.md Perpetrators: 'Outstanding (wanted) DA suspects are tracked'
SELECT month, lpa_id, num, CAST(NULL AS DOUBLE) AS den
FROM (
    -- Per LPA: distinct suspects wanted on that LPA's DA crimes.
    SELECT month, lpa_id, COUNT(*) AS num
    FROM (
        SELECT DISTINCT m.month, c.lpa_id, w.suspect_key
        FROM wanted w
        JOIN crimes c ON c.id = w.crime_id
        JOIN months m ON w.wanted_from < m.cutoff AND (w.resolved_at IS NULL OR w.resolved_at >= m.cutoff)
        WHERE c.is_domestic_abuse
    ) AS per_lpa
    GROUP BY month, lpa_id
    UNION ALL
    -- The force figure is distinct across LPAs: this row with no LPA takes off the
    -- suspects counted in more than one LPA, so the sum of the rows counts each once.
    SELECT month, NULL AS lpa_id, COUNT(DISTINCT suspect_key) - COUNT(*) AS num
    FROM (
        SELECT DISTINCT m.month, c.lpa_id, w.suspect_key
        FROM wanted w
        JOIN crimes c ON c.id = w.crime_id
        JOIN months m ON w.wanted_from < m.cutoff AND (w.resolved_at IS NULL OR w.resolved_at >= m.cutoff)
        WHERE c.is_domestic_abuse
    ) AS per_force
    GROUP BY month
) AS parts
