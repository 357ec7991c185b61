-- id: vcop_regular_updates_on_time
-- title: Victims' Code: regular updates on time
-- definition: Of the regular (monthly) updates given to victims of DA crimes in the month, the percentage given within the policy's days of the victim's previous update (of any kind), or of the crime being recorded for the first.
-- unit: percent
-- better: higher
-- aggregate: sum
-- policy: vcop_regular_update_days
-- breakdowns: month, quarter, ytd, lpa
-- series_break: none
-- commitment: 49
-- seed: 002 Victims' Code compliance; domain.md Victims' Code: victims are updated regularly (at least monthly)

SELECT m.month, o.lpa_id,
       SUM(CASE WHEN o.told_at <= o.previous_at + p.vcop_regular_update_days * INTERVAL 1 DAY
                THEN 1 ELSE 0 END) AS num,
       COUNT(*) AS den
FROM (
    SELECT u.reason, u.told_at, c.lpa_id,
           COALESCE(LAG(u.told_at) OVER (PARTITION BY u.care_id ORDER BY u.told_at, u.id),
                    c.recorded_at) AS previous_at
    FROM victim_updates u
    JOIN victim_care v ON v.id = u.care_id
    JOIN crimes c ON c.id = v.crime_id AND c.is_domestic_abuse
) o
CROSS JOIN params p
JOIN months m ON CAST(DATE_TRUNC('month', o.told_at) AS DATE) = m.month AND o.told_at < m.cutoff
WHERE o.reason = 'monthly'
GROUP BY m.month, o.lpa_id
