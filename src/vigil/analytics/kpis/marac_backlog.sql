-- id: marac_backlog
-- title: Cases awaiting MARAC
-- definition: Referrals made by the end of the month and not heard by then. A proposed referral is not a case until the coordinator accepts it; a withdrawn case counts until its withdrawal date and a transferred case until the day it was transferred out (a withdrawal with no date recorded is never counted).
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
-- The day a case stopped waiting without a hearing: its first transfer out of this LPA.
LEFT JOIN (SELECT referral_id, MIN(transferred_on) AS out_on
           FROM marac_transfers WHERE from_lpa_id IS NOT NULL
           GROUP BY referral_id) t ON t.referral_id = r.id
JOIN months m ON r.referred_on < CAST(m.cutoff AS DATE)
             AND (r.heard_on IS NULL OR r.heard_on >= CAST(m.cutoff AS DATE))
WHERE r.status IN ('awaiting', 'heard')
   OR (r.status = 'withdrawn' AND r.withdrawn_on >= CAST(m.cutoff AS DATE))
   OR (r.status = 'transferred' AND t.out_on >= CAST(m.cutoff AS DATE))
GROUP BY m.month, r.lpa_id
