"""Seed 003's MARAC table: cases awaiting MARAC and days from referral to hearing, by LPA
and week, read from the snapshot."""

from __future__ import annotations

from datetime import date, timedelta

import pyarrow as pa

# Counted as the marac_backlog KPI: proposed referrals are not cases yet; a withdrawn
# case waited until its withdrawal date, a transferred one until it was transferred out.
WEEKLY_SQL = """
WITH cases AS (
    SELECT r.lpa_id, r.referred_on, r.heard_on,
           CASE r.status WHEN 'withdrawn' THEN r.withdrawn_on
                         WHEN 'transferred' THEN t.out_on END AS ended_on, r.status
    FROM marac_referrals r
    LEFT JOIN (SELECT referral_id, MIN(transferred_on) AS out_on FROM marac_transfers
               WHERE from_lpa_id IS NOT NULL GROUP BY referral_id) t ON t.referral_id = r.id
    WHERE r.status <> 'proposed'
)
SELECT w.week_end, l.code, l.name,
       (SELECT COUNT(*) FROM cases r
         WHERE r.lpa_id = l.id AND r.referred_on <= w.week_end
           AND (r.heard_on IS NULL OR r.heard_on > w.week_end)
           AND (r.status IN ('awaiting', 'heard') OR r.ended_on > w.week_end)) AS awaiting,
       (SELECT AVG(DATE_DIFF('day', r.referred_on, r.heard_on)) FROM marac_referrals r
         WHERE r.lpa_id = l.id AND r.heard_on > w.week_end - INTERVAL 7 DAY
           AND r.heard_on <= w.week_end) AS days_to_hearing
FROM weeks w CROSS JOIN lpas l
ORDER BY l.name, w.week_end
"""


def week_ends(as_of: date, weeks: int) -> list[date]:
    return [as_of - timedelta(days=7 * i) for i in reversed(range(weeks))]


def marac_weekly(con, as_of: date, weeks: int = 13) -> dict:
    """{'weeks': [date], 'rows': [{'code','name','awaiting':[...],'days':[...]}], totals}."""
    ends = week_ends(as_of, weeks)
    con.register("weeks_arrow", pa.table({"week_end": pa.array(ends, type=pa.date32())}))
    con.execute("CREATE OR REPLACE TEMP TABLE weeks AS SELECT * FROM weeks_arrow")
    rows: dict[str, dict] = {}
    for _week_end, code, name, awaiting, days in con.execute(WEEKLY_SQL).fetchall():
        row = rows.setdefault(code, {"code": code, "name": name, "awaiting": [], "days": []})
        row["awaiting"].append(int(awaiting))
        row["days"].append(None if days is None else float(days))
    out = list(rows.values())
    totals = [sum(r["awaiting"][i] for r in out) for i in range(len(ends))]
    return {"weeks": ends, "rows": out, "total_awaiting": totals}
