-- id: marac_cases_per_10k_women
-- title: MARAC cases per 10,000 women
-- definition: MARAC referrals per 10,000 adult women, annualised: referrals in the period (proposed ones not counted) over (adult women / 10,000) x (days in the period / 365). SafeLives expects 40.
-- unit: rate
-- better: neutral
-- aggregate: sum
-- policy: marac_expected_per_10k_women
-- breakdowns: month, quarter, ytd, lpa
-- series_break: none
-- commitment: 51
-- seed: domain.md MARAC: 'Expected volume 40 cases per 10,000 adult women a year'
SELECT month, lpa_id, SUM(num) AS num, SUM(den) AS den
FROM (
    SELECT m.month, r.lpa_id, 1 AS num, 0.0 AS den
    FROM marac_referrals r
    JOIN months m ON CAST(DATE_TRUNC('month', r.referred_on) AS DATE) = m.month
                 AND r.referred_on < CAST(m.cutoff AS DATE)
    WHERE r.status <> 'proposed'
    UNION ALL
    SELECT m.month, l.id AS lpa_id, 0 AS num,
           (l.adult_women / 10000.0) * (m.days / 365.0) AS den
    FROM lpas l
    CROSS JOIN months m
    WHERE l.adult_women IS NOT NULL
) AS parts
GROUP BY month, lpa_id
