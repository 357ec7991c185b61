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
SELECT m.month, a.lpa_id,
       SUM(CASE WHEN a.referral_seconds <= a.limit_seconds THEN 1 ELSE 0 END) AS num,
       COUNT(*) AS den
FROM (
    -- Local wall-clock times read as Europe/London, so the difference is real time.
    SELECT s.local_authority_id AS lpa_id, s.screened_at,
           DATE_DIFF('second', s.screened_at AT TIME ZONE 'Europe/London',
                     s.referred_at AT TIME ZONE 'Europe/London') AS referral_seconds,
           DATE_DIFF('second', s.screened_at AT TIME ZONE 'Europe/London',
                     p.as_of_end AT TIME ZONE 'Europe/London') AS open_seconds,
           p.csc_referral_hours * 3600 AS limit_seconds
    FROM child_screenings s
    CROSS JOIN params p
    WHERE s.decision = 'refer'
) a
JOIN months m ON CAST(DATE_TRUNC('month', a.screened_at) AS DATE) = m.month AND a.screened_at < m.cutoff
WHERE a.open_seconds > a.limit_seconds OR a.referral_seconds <= a.limit_seconds
GROUP BY m.month, a.lpa_id
