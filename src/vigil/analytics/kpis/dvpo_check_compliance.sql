-- id: dvpo_check_compliance
-- title: DVPN/DVPO check compliance
-- definition: Of the DVPNs and DVPOs live at some point in the month, the percentage with a completed check (victim contacted and subject checked) during the month.
-- unit: percent
-- better: higher
-- aggregate: sum
-- policy: order_check_interval_days
-- breakdowns: month, quarter, ytd, lpa
-- series_break: none
-- commitment: 53
-- seed: domain.md Protective orders: 'Live DVPN/DVPOs get a weekly check ... (WMP compliance went from 30-40 % to 85-92 %)'; 000 §5.4
SELECT m.month, o.lpa_id,
       SUM(CASE WHEN EXISTS (
               SELECT 1 FROM order_checks k
               WHERE k.order_id = o.id AND k.victim_contacted AND k.subject_checked
                 AND k.checked_at >= m.month AND k.checked_at < m.cutoff
           ) THEN 1 ELSE 0 END) AS num,
       COUNT(*) AS den
FROM orders o
JOIN months m
  ON COALESCE(o.starts_on, CAST(o.served_at AS DATE)) < CAST(m.cutoff AS DATE)
 AND COALESCE(o.ends_on, CAST(o.hearing_at AS DATE), CAST(m.cutoff AS DATE)) >= m.month
WHERE o.order_type IN ('DVPN', 'DVPO') AND o.status IN ('live', 'expired', 'discharged')
GROUP BY m.month, o.lpa_id
