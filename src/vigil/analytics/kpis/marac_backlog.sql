-- id: marac_backlog
-- title: Cases awaiting MARAC
-- definition: Referrals accepted by the end of the month and not yet heard then (proposed referrals, and withdrawn and transferred cases, excluded).
-- unit: count
-- better: lower
-- aggregate: last
-- policy: none
-- breakdowns: month, quarter, ytd, lpa
-- series_break: none
-- commitment: 51
-- seed: 003 table 'Cases awaiting MARAC' by LPA by week (591 on 08/12/2023, 170 on 29/02/2024)
SELECT m.month, r.lpa_id, COUNT(*) AS num, CAST(NULL AS DOUBLE) AS den
FROM marac_referrals r
JOIN months m ON r.referred_on < CAST(m.cutoff AS DATE)
             AND (r.heard_on IS NULL OR r.heard_on >= CAST(m.cutoff AS DATE))
-- A proposed referral is not yet a MARAC case (the coordinator has not accepted it).
WHERE r.status IN ('awaiting', 'heard')
GROUP BY m.month, r.lpa_id
