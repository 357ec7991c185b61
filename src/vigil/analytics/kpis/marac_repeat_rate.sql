-- id: marac_repeat_rate
-- title: MARAC repeat rate
-- definition: Of the referrals received in the month (proposed ones not yet referrals), the percentage that are repeats: the same victim was referred to MARAC, in any LPA, within the repeat window (365 days) before. Day 365 is a repeat, day 366 a new referral; the rules' own answer (marac.rules.repeat_of), not the imported flag. National rate about 31 %.
-- unit: percent
-- better: neutral
-- aggregate: sum
-- policy: marac_repeat_window_days
-- breakdowns: month, quarter, ytd, lpa
-- series_break: none
-- commitment: 51
-- seed: domain.md MARAC: 'repeat (any new incident within 12 months of the date of the last referral ...); national repeat rate about 31 %'
SELECT m.month, r.lpa_id, SUM(CASE WHEN x.id IS NULL THEN 0 ELSE 1 END) AS num,
       COUNT(*) AS den
FROM marac_referrals r
JOIN months m ON CAST(DATE_TRUNC('month', r.referred_on) AS DATE) = m.month
             AND r.referred_on < CAST(m.cutoff AS DATE)
-- The referrals with an earlier referral of the same victim inside the window (set-wise,
-- the snapshot's history: a window reaching before the months shown still counts).
LEFT JOIN (SELECT DISTINCT later.id
           FROM marac_referrals later
           CROSS JOIN params p
           JOIN marac_referrals earlier
             ON earlier.victim_key = later.victim_key
            AND earlier.referred_on < later.referred_on
            AND DATE_DIFF('day', earlier.referred_on, later.referred_on) <= p.repeat_window_days
           WHERE later.status <> 'proposed' AND earlier.status <> 'proposed') x ON x.id = r.id
WHERE r.status <> 'proposed'
GROUP BY m.month, r.lpa_id
