"""What a search result shows about each person: roles, current risk, live orders, MARAC.

One query for the whole page of results: a UNION ALL with one arm per fact, each
reached from the person through their source records. Six ORM queries cost a
search more Python time than everything else it did.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime

from django.db import connection

from vigil.incidents.models import CrimeParty, IncidentParty
from vigil.marac.models import MaracReferral
from vigil.orders.models import ProtectedPerson, ProtectiveOrder
from vigil.people.models import SourceRecord
from vigil.people.search_candidates import in_list, rows
from vigil.risk.models import RiskAssessment, RiskLevel


def _arms(persons: str) -> list[str]:
    """Rows of (kind, person id, text, date text, number, id); `persons` is the SQL
    condition on a person_id column, written as {col}."""
    t = {m.__name__: m._meta.db_table for m in (SourceRecord, IncidentParty, CrimeParty,
                                                RiskAssessment, ProtectiveOrder,
                                                ProtectedPerson, MaracReferral)}
    sr_persons = persons.format(col="sr.person_id")
    sr = f"JOIN {t['SourceRecord']} sr ON sr.id = x.{{fk}} WHERE {sr_persons}"
    live = "x.status = %s AND (x.ends_on IS NULL OR x.ends_on >= %s)"
    return [
        f"SELECT 'sources', person_id, '', '', COUNT(*), 0 FROM {t['SourceRecord']} "
        f"WHERE {persons.format(col='person_id')} GROUP BY person_id",
        *(f"SELECT DISTINCT 'role', sr.person_id, x.role, '', 0, 0 FROM {t[m]} x "
          f"{sr.format(fk='person_id')}" for m in ("IncidentParty", "CrimeParty")),
        f"SELECT 'risk', sr.person_id, '', CAST(x.assessed_at AS TEXT), x.final_level, x.id "
        f"FROM {t['RiskAssessment']} x {sr.format(fk='victim_id')} AND x.assessed_at <= %s",
        f"SELECT 'against', sr.person_id, x.order_type, COALESCE(CAST(x.ends_on AS TEXT), ''), "
        f"0, x.id FROM {t['ProtectiveOrder']} x {sr.format(fk='subject_id')} AND {live}",
        f"SELECT 'protecting', sr.person_id, x.order_type, "
        f"COALESCE(CAST(x.ends_on AS TEXT), ''), 0, x.id FROM {t['ProtectiveOrder']} x "
        f"JOIN {t['ProtectedPerson']} pp ON pp.order_id = x.id "
        f"JOIN {t['SourceRecord']} sr ON sr.id = pp.person_id "
        f"WHERE {sr_persons} AND {live}",
        f"SELECT 'marac', sr.person_id, x.status, CAST(x.referred_on AS TEXT), 0, x.id "
        f"FROM {t['MaracReferral']} x {sr.format(fk='victim_id')} AND x.referred_on <= %s",
    ]


def summaries(person_ids: list[int], as_of: datetime) -> dict[int, dict]:
    """person id -> {roles, risk, orders, marac, sources}, in one query."""
    if not person_ids:
        return {}
    ops = connection.ops
    persons, ids = in_list("{col}", person_ids)
    today = as_of.date()
    live = [ProtectiveOrder.Status.LIVE.value, ops.adapt_datefield_value(today)]
    params = [*ids, *ids, *ids, *ids, ops.adapt_datetimefield_value(as_of),
              *ids, *live, *ids, *live, *ids, ops.adapt_datefield_value(today)]
    found = rows(" UNION ALL ".join(_arms(persons)), params)
    out: dict[int, dict] = defaultdict(lambda: {"roles": set(), "orders": [], "sources": 0})
    latest: dict[tuple[str, int], tuple] = {}
    for kind, pid, text, day, number, _id in sorted(found, key=lambda r: (r[3], r[5])):
        info = out[pid]
        if kind == "sources":
            info["sources"] = number
        elif kind == "role":
            info["roles"].add(text)
        elif kind in ("risk", "marac"):
            latest[kind, pid] = (text, day, number)  # rows come oldest first
        else:
            until = f" until {_day(day):%d %b %Y}" if day else ""
            line = f"{text} {kind} them{until}"
            if line not in info["orders"]:
                info["orders"].append(line)
    for (kind, pid), (text, day, number) in latest.items():
        if kind == "risk":
            out[pid]["risk"] = f"{RiskLevel(number).label} ({_day(day):%d %b %Y})"
        else:
            out[pid]["marac"] = (f"{MaracReferral.Status(text).label} "
                                 f"(referred {_day(day):%d %b %Y})")
    for info in out.values():
        info["roles"] = sorted(info["roles"])
    return dict(out)


def _day(text: str) -> date:
    """The date of a date or timestamp column read as text (UTC, as Django stores it)."""
    return date.fromisoformat(text[:10])
