-- id: vcop_support_referral_on_time
-- title: Victims' Code: referred to support within 2 days
-- definition: Of the victims of DA crimes recorded in the month, the percentage referred to a support service within the policy's days of the crime being recorded (calendar days, to the same time of day, as the task). A victim counts once the deadline has passed by the as-of date, or earlier if already referred; a victim never referred counts as late.
-- unit: percent
-- better: higher
-- aggregate: sum
-- policy: vcop_support_referral_days
-- breakdowns: month, quarter, ytd, lpa
-- series_break: none
-- commitment: 49
-- seed: 002 Victims' Code compliance; domain.md Victims' Code: referral to support services within 2 days

SELECT m.month, t.lpa_id, SUM(CASE WHEN t.in_time THEN 1 ELSE 0 END) AS num, COUNT(*) AS den
FROM (
    SELECT c.lpa_id, c.recorded_at,
           c.recorded_at + p.vcop_support_referral_days * INTERVAL 1 DAY AS due_at,
           (v.support_referred_at IS NOT NULL AND v.support_referred_at < p.as_of_end
            AND v.support_referred_at <= c.recorded_at + p.vcop_support_referral_days * INTERVAL 1 DAY)
               AS in_time
    FROM crime_parties cp
    CROSS JOIN params p
    JOIN crimes c ON c.id = cp.crime_id AND c.is_domestic_abuse
    LEFT JOIN victim_care v ON v.crime_id = cp.crime_id AND v.victim_key = cp.person_key
    WHERE cp.role = 'victim'
) t
CROSS JOIN params p
JOIN months m ON CAST(DATE_TRUNC('month', t.recorded_at) AS DATE) = m.month AND t.recorded_at < m.cutoff
WHERE t.due_at < p.as_of_end OR t.in_time
GROUP BY m.month, t.lpa_id
