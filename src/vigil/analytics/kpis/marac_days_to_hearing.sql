-- id: marac_days_to_hearing
-- title: Days from MARAC referral to hearing
-- definition: Mean calendar days from referral to hearing for cases heard in the month; the control limit is 28 days.
-- unit: days
-- better: lower
-- aggregate: sum
-- policy: marac_hearing_limit_days
-- breakdowns: month, quarter, ytd, lpa
-- series_break: none
-- commitment: 51
-- seed: 000 §4.3: 'There is a control limit of 28 days ... during January 2025 the average time period between referral and hearing was 15 days'
SELECT m.month, r.lpa_id, SUM(DATE_DIFF('day', r.referred_on, r.heard_on)) AS num,
       COUNT(*) AS den
FROM marac_referrals r
JOIN months m ON CAST(DATE_TRUNC('month', r.heard_on) AS DATE) = m.month
             AND r.heard_on < CAST(m.cutoff AS DATE)
WHERE r.heard_on IS NOT NULL
GROUP BY m.month, r.lpa_id
