-- id: marac_meeting_load
-- title: MARAC meeting load
-- definition: Cases listed at the MARAC meetings held in the month as a percentage of those meetings' capacity (withdrawn and transferred cases excluded).
-- unit: percent
-- better: neutral
-- aggregate: sum
-- policy: marac_cases_per_meeting
-- breakdowns: month, quarter, ytd, lpa
-- series_break: none
-- commitment: 51
-- seed: domain.md MARAC: 'Meetings fortnightly or monthly, ~16 cases each'
SELECT m.month, g.lpa_id, SUM(COALESCE(l.n, 0)) AS num, SUM(g.capacity) AS den
FROM marac_meetings g
LEFT JOIN (SELECT meeting_id, COUNT(*) AS n FROM marac_referrals
           WHERE meeting_id IS NOT NULL AND status NOT IN ('withdrawn', 'transferred')
           GROUP BY meeting_id) l ON l.meeting_id = g.id
JOIN months m ON CAST(DATE_TRUNC('month', g.held_on) AS DATE) = m.month
             AND g.held_on < CAST(m.cutoff AS DATE)
GROUP BY m.month, g.lpa_id
