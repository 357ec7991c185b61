-- id: marac_referrals
-- title: MARAC referrals
-- definition: Referrals to MARAC received in the month (any referring agency), by LPA; a referral only proposed (not yet accepted by the coordinator) is not counted.
-- unit: count
-- better: neutral
-- aggregate: sum
-- policy: none
-- breakdowns: month, quarter, ytd, lpa
-- series_break: none
-- commitment: 51
-- seed: 003 (Op WILLOWBAY): MARAC volume and demand modelling from 3 years of MARAC data
SELECT m.month, r.lpa_id AS lpa_id, COUNT(*) AS num, CAST(NULL AS DOUBLE) AS den
FROM marac_referrals r
JOIN months m ON CAST(DATE_TRUNC('month', r.referred_on) AS DATE) = m.month AND r.referred_on < m.cutoff
WHERE r.status <> 'proposed'
GROUP BY m.month, r.lpa_id
