-- id: marac_actions_overdue
-- title: MARAC actions overdue
-- definition: Actions agreed at MARAC that were due by the end of the month and were neither done nor explicitly carried to the next meeting by then, by the LPA of the case.
-- unit: count
-- better: lower
-- aggregate: last
-- policy: none
-- breakdowns: month, quarter, ytd, lpa
-- series_break: none
-- commitment: 51
-- seed: issue 11: 'overdue actions appear in the coordinator's queue and on the next agenda'
SELECT m.month, r.lpa_id, COUNT(*) AS num, CAST(NULL AS DOUBLE) AS den
FROM marac_actions a
JOIN marac_referrals r ON r.id = a.referral_id
JOIN months m ON a.due_on < CAST(m.cutoff AS DATE)
             AND r.heard_on < CAST(m.cutoff AS DATE)
             AND (a.completed_on IS NULL OR a.completed_on >= CAST(m.cutoff AS DATE))
             AND (a.carried_on IS NULL OR a.carried_on >= CAST(m.cutoff AS DATE))
WHERE a.due_on IS NOT NULL
GROUP BY m.month, r.lpa_id
