-- id: dvpo_check_compliance
-- title: DVPN/DVPO weekly check compliance
-- definition: Of the check weeks of DVPNs and DVPOs decided in the month (each order's weeks run in 7-day periods from its service or start while it is live, as the weekly check tasks do; a week is decided when its first complete check is made, or when it ends without one), the percentage with a completed check (victim contacted and subject checked) in that week. Weeks, not months: one check in a month is one compliant week of four.
-- unit: percent
-- better: higher
-- aggregate: sum
-- policy: order_check_interval_days
-- breakdowns: month, quarter, ytd, lpa
-- series_break: none
-- commitment: 53
-- seed: domain.md Protective orders: 'Live DVPN/DVPOs get a weekly check ... (WMP compliance went from 30-40 % to 85-92 %)'; 000 §5.4
SELECT m.month, w.lpa_id,
       SUM(CASE WHEN w.checked IS NOT NULL THEN 1 ELSE 0 END) AS num,
       COUNT(*) AS den
FROM (
    SELECT wk.id, wk.lpa_id, wk.w1, (
        SELECT MIN(k.checked_at) FROM order_checks k
        WHERE k.order_id = wk.id AND k.victim_contacted AND k.subject_checked
          AND k.checked_at >= wk.w0 AND k.checked_at < wk.w1) AS checked
    FROM (
        SELECT id, lpa_id, t0 + to_days(CAST(k * step AS INTEGER)) AS w0,
               t0 + to_days(CAST((k + 1) * step AS INTEGER)) AS w1
        FROM (
            SELECT id, lpa_id, step, t0,
                   UNNEST(range(0, CAST(ceil(date_diff('second', t0, t1) / (86400.0 * step))
                                        AS BIGINT))) AS k
            FROM (
                SELECT o.id, o.lpa_id, p.order_check_interval_days AS step,
                       COALESCE(o.served_at, CAST(o.starts_on AS TIMESTAMP)) AS t0,
                       CASE WHEN o.order_type = 'DVPN' THEN COALESCE(o.hearing_at, p.as_of_end)
                            ELSE COALESCE(CAST(o.ends_on AS TIMESTAMP) + INTERVAL 1 DAY,
                                          COALESCE(o.served_at, CAST(o.starts_on AS TIMESTAMP))
                                          + INTERVAL 28 DAY) END AS t1
                FROM orders o CROSS JOIN params p
                WHERE o.order_type IN ('DVPN', 'DVPO')
                  AND o.status IN ('live', 'expired', 'discharged')
                  AND COALESCE(o.served_at, CAST(o.starts_on AS TIMESTAMP)) IS NOT NULL
            ) spans
            WHERE t1 > t0
        ) numbered
    ) wk
) w
JOIN months m ON COALESCE(w.checked, w.w1) >= CAST(m.month AS TIMESTAMP)
             AND COALESCE(w.checked, w.w1) < m.cutoff
GROUP BY m.month, w.lpa_id
