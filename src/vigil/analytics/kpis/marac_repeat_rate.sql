-- id: marac_repeat_rate
-- title: MARAC repeat rate
-- definition: Of the referrals received in the month, the percentage that are repeats (a new incident within 12 months of the last referral). National rate about 31 %.
-- unit: percent
-- better: neutral
-- aggregate: sum
-- policy: marac_repeat_window_days
-- breakdowns: month, quarter, ytd, lpa
-- series_break: none
-- commitment: 51
-- seed: domain.md MARAC: 'national repeat rate about 31 %'
SELECT m.month, r.lpa_id, SUM(CASE WHEN r.repeat_referral THEN 1 ELSE 0 END) AS num,
       COUNT(*) AS den
FROM marac_referrals r
JOIN months m ON CAST(DATE_TRUNC('month', r.referred_on) AS DATE) = m.month
             AND r.referred_on < CAST(m.cutoff AS DATE)
GROUP BY m.month, r.lpa_id
