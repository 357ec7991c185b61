-- id: dvpn_rate
-- title: DVPN rate per violent DA arrest
-- definition: DVPNs served in the month as a percentage of arrests in the month for violent DA offences (violence with or without injury, sexual offences). Expected 5-16 % (policy).
-- unit: percent
-- better: higher
-- aggregate: sum
-- policy: dvpn_rate_expected_low, dvpn_rate_expected_high
-- breakdowns: month, quarter, ytd, lpa
-- series_break: none
-- commitment: 53
-- seed: domain.md Protective orders: 'DVPN use is expected on 5-16 % of arrests for violent DA offences (WMP: 7 %)'
SELECT month, lpa_id, SUM(num) AS num, SUM(den) AS den
FROM (
    SELECT m.month, o.lpa_id, 1 AS num, 0 AS den
    FROM orders o
    JOIN months m ON CAST(DATE_TRUNC('month', o.served_at) AS DATE) = m.month AND o.served_at < m.cutoff
    WHERE o.order_type = 'DVPN'
    UNION ALL
    SELECT m.month, c.lpa_id, 0 AS num, 1 AS den
    FROM arrests a
    JOIN crimes c ON c.id = a.crime_id
    JOIN months m ON CAST(DATE_TRUNC('month', a.arrested_at) AS DATE) = m.month AND a.arrested_at < m.cutoff
    WHERE c.is_domestic_abuse
      AND c.offence_group IN ('violence_with_injury', 'violence_without_injury', 'sexual')
) AS parts
GROUP BY month, lpa_id
