-- id: marac_heard_within_limit
-- title: MARAC cases heard within 28 days
-- definition: Of the cases heard in the month, the percentage heard within the policy limit of days from referral.
-- unit: percent
-- better: higher
-- aggregate: sum
-- policy: marac_hearing_limit_days
-- breakdowns: month, quarter, ytd, lpa
-- series_break: none
-- commitment: 51
-- seed: 000 §4.3: 'During the last quarter all areas have remained within the control limits'
SELECT m.month, r.lpa_id,
       SUM(CASE WHEN DATE_DIFF('day', r.referred_on, r.heard_on) <= p.hearing_limit_days
                THEN 1 ELSE 0 END) AS num,
       COUNT(*) AS den
FROM marac_referrals r
CROSS JOIN params p
JOIN months m ON CAST(DATE_TRUNC('month', r.heard_on) AS DATE) = m.month
             AND r.heard_on < CAST(m.cutoff AS DATE)
WHERE r.heard_on IS NOT NULL
GROUP BY m.month, r.lpa_id
