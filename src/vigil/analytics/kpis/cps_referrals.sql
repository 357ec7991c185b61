-- id: cps_referrals
-- title: CPS referrals
-- definition: DA crimes referred to the Crown Prosecution Service in the month, by the date of referral.
-- unit: count
-- better: higher
-- aggregate: sum
-- policy: none
-- breakdowns: month, quarter, ytd, lpa
-- series_break: none
-- commitment: 49
-- seed: 001 §26: 'referral data to the CPS has declined since the last quarter (755 referrals in the first ...'
SELECT m.month, c.lpa_id AS lpa_id, COUNT(*) AS num, CAST(NULL AS DOUBLE) AS den
FROM crimes c
JOIN months m ON CAST(DATE_TRUNC('month', c.cps_referred_at) AS DATE) = m.month AND c.cps_referred_at < m.cutoff
WHERE c.is_domestic_abuse AND c.cps_referred_at IS NOT NULL
GROUP BY m.month, c.lpa_id
