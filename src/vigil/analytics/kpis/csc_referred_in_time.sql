-- id: csc_referred_in_time
-- title: Children's social care referrals sent in time
-- definition: Of the screenings in the month that decided to refer to children's social care, the percentage whose referral (the multi-agency referral form) was sent within the policy limit of hours of the decision (local practice: 24). A referral never sent counts as late once the limit has passed; by LPA of the incident.
-- unit: percent
-- better: higher
-- aggregate: sum
-- policy: csc_referral_hours
-- breakdowns: month, quarter, ytd, lpa
-- series_break: none
-- commitment: 56
-- seed: 004: children 'risk assessed ... and information is shared with health and children services'
SELECT m.month, s.local_authority_id AS lpa_id,
       SUM(CASE WHEN s.referred_at IS NOT NULL
                 AND s.referred_at <= s.screened_at + to_hours(CAST(p.csc_referral_hours AS BIGINT))
                THEN 1 ELSE 0 END) AS num,
       COUNT(*) AS den
FROM child_screenings s
CROSS JOIN params p
JOIN months m ON CAST(DATE_TRUNC('month', s.screened_at) AS DATE) = m.month AND s.screened_at < m.cutoff
WHERE s.decision = 'refer'
  AND (s.screened_at + to_hours(CAST(p.csc_referral_hours AS BIGINT)) < m.cutoff
       OR (s.referred_at IS NOT NULL AND s.referred_at < m.cutoff))
GROUP BY m.month, s.local_authority_id
