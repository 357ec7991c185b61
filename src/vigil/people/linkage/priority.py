"""The order of the review queue: how much a decision changes (issue 17, item 5).

A reviewer's "same person" joins two persons, and "different people" keeps
them apart for good; either settles every record of both. So a pair's
priority is the records of the two persons it joins (`records_joined`),
multiplied by the policy's `link_review_risk_weight` when either person is
at risk (`at_risk`): a record of theirs is the victim of a high-risk DASH or
of a MARAC referral. A wrong or missing link there hides a high-risk victim's
history from the people protecting them. Pairs of equal priority come most
probable first (ReviewPair's ordering).

The risk read is raw SQL on the risk and MARAC tables, found through Django's
app registry: linkage imports no team app (import-linter contracts).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.apps import apps
from django.db import connection


def _tables() -> list[tuple[str, list]]:
    """(SQL returning record ids at risk, params) for each source of risk. Read by
    table name: linkage may not import the risk or MARAC apps (import contracts)."""
    risk = apps.get_model("risk", "RiskAssessment")
    high = max(value for value, _label in risk._meta.get_field("final_level").choices)
    marac = apps.get_model("marac", "MaracReferral")
    return [(f"SELECT DISTINCT victim_id FROM {risk._meta.db_table} WHERE final_level >= %s",
             [high]),
            (f"SELECT DISTINCT victim_id FROM {marac._meta.db_table}", [])]


def records_at_risk() -> set[int]:
    """Source records that are the victim of a high-risk DASH or a MARAC referral."""
    found: set[int] = set()
    with connection.cursor() as cur:
        for sql, params in _tables():
            cur.execute(sql, params)
            found.update(r[0] for r in cur.fetchall())
    return found


def of_pair(records_joined: int, at_risk: bool, risk_weight: float) -> float:
    return float(records_joined) * (risk_weight if at_risk else 1.0)


def of_groups(pairs: Iterable[tuple[int, int]], group_of: dict[int, int],
              at_risk: set[int], risk_weight: float) -> list[tuple[int, bool, float]]:
    """(records joined, at risk, priority) of each (record, record) pair, from each
    record's group (person or cluster) and the records at risk."""
    size: dict[int, int] = {}
    risky: set[int] = set()
    for record, group in group_of.items():
        size[group] = size.get(group, 0) + 1
        if record in at_risk:
            risky.add(group)
    out = []
    for a, b in pairs:
        ga, gb = group_of[a], group_of[b]
        joined = size[ga] + (size[gb] if gb != ga else 0)
        danger = ga in risky or gb in risky
        out.append((joined, danger, of_pair(joined, danger, risk_weight)))
    return out


def of_persons(person_ids: Iterable[int]) -> dict[int, tuple[int, bool]]:
    """person id -> (records, at risk), for the few persons an arrival touches."""
    from vigil.people.models import SourceRecord

    ids = sorted(set(person_ids))
    if not ids:
        return {}
    table = SourceRecord._meta.db_table
    marks = ", ".join(["%s"] * len(ids))
    out = {pid: (0, False) for pid in ids}
    with connection.cursor() as cur:
        cur.execute(f"SELECT person_id, COUNT(*) FROM {table} WHERE person_id IN ({marks}) "
                    f"GROUP BY person_id", ids)
        for pid, n in cur.fetchall():
            out[pid] = (n, False)
        for sql, params in _tables():
            cur.execute(f"SELECT DISTINCT person_id FROM {table} WHERE person_id IN ({marks}) "
                        f"AND id IN ({sql})", [*ids, *params])
            for (pid,) in cur.fetchall():
                out[pid] = (out[pid][0], True)
    return out
