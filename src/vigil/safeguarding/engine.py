"""Run the rules and write their flags and tasks: batch (everybody) or incremental.

Both speeds load a `History` (history.py), evaluate the same rules (rules.py) and
reconcile the result with the database the same way:

- a task whose key is new is created (open, or already met/cancelled with the
  record that shows it); an open task the records now show met or no longer
  needed is closed with that evidence; done tasks are never touched;
- a flag whose key is new is raised; an active flag the rules no longer produce
  for an evaluated person is expired at `as_of` (superseded, e.g. a newer risk
  assessment); a serial-perpetrator score is refreshed.

Running twice changes nothing the second time. Rules write flags and tasks only.
"""

from __future__ import annotations

import gc
import os
from dataclasses import dataclass
from datetime import UTC, datetime, time
from functools import lru_cache

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q

from vigil.core import calendar as cal
from vigil.core.audit import record
from vigil.core.models import AuditEvent
from vigil.core.policy import Policy, current
from vigil.safeguarding import history, rules
from vigil.safeguarding.models import Flag, Task

CHUNK = 2000


@dataclass
class RunStats:
    persons: int = 0
    tasks_created: int = 0
    tasks_closed: int = 0
    flags_raised: int = 0
    flags_expired: int = 0
    flags_updated: int = 0
    load_s: float = 0.0
    evaluate_s: float = 0.0
    write_s: float = 0.0

    @property
    def changed(self) -> int:
        return (self.tasks_created + self.tasks_closed + self.flags_raised + self.flags_expired
                + self.flags_updated)


@lru_cache(maxsize=4)
def _school_calendar(path: str | None, starts: str) -> cal.SchoolCalendar:
    day_start = time.fromisoformat(starts)
    return cal.SchoolCalendar.from_file(path, day_start) if path else \
        cal.SchoolCalendar(day_starts_at=day_start)


def school_calendar(policy: Policy) -> cal.SchoolCalendar:
    path = getattr(settings, "VIGIL_SCHOOL_TERMS_FILE", None) or os.environ.get(
        "VIGIL_SCHOOL_TERMS_FILE")
    return _school_calendar(path, policy.school_day_start)


def run(*, as_of: datetime, person_ids=None, policy: Policy | None = None,
        actor: str = "rules") -> RunStats:
    """Evaluate the rules for `person_ids` (None: everybody) as of `as_of`."""
    import time as clock

    if as_of.tzinfo is None:
        raise ValueError(f"as_of must be timezone-aware, got {as_of}")
    policy = policy or current()
    stats = RunStats()
    t0 = clock.perf_counter()
    scoped = person_ids is not None
    # Millions of small objects and no cycles: the cyclic collector would rescan the
    # growing heap again and again, so it is paused while the history is in memory.
    collecting = gc.isenabled()
    gc.disable()
    try:
        h = history.load(set(person_ids) if scoped else None,
                         since=rules.lookback_start(as_of, policy))
        stats.persons = len(h.persons)
        owners = h.persons
        t1 = clock.perf_counter()
        result = rules.evaluate_all(h, as_of, policy, school_calendar(policy))
        del h
    finally:
        if collecting:
            gc.enable()
    t2 = clock.perf_counter()
    with transaction.atomic():
        _write_tasks(result.tasks, as_of, policy, stats)
        _write_flags(result.flags, owners if scoped else None, as_of, policy, stats)
        if stats.changed:
            record(actor, AuditEvent.Action.UPDATE, "safeguarding.rules", "",
                   context="rules:incremental" if scoped else "rules:batch",
                   detail={"as_of": as_of.isoformat(), "policy": policy.version,
                           "persons": stats.persons, "tasks_created": stats.tasks_created,
                           "tasks_closed": stats.tasks_closed,
                           "flags_raised": stats.flags_raised,
                           "flags_expired": stats.flags_expired})
    stats.load_s, stats.evaluate_s = t1 - t0, t2 - t1
    stats.write_s = clock.perf_counter() - t2
    return stats


def _chunks(items, size=CHUNK):
    items = list(items)
    for i in range(0, len(items), size):
        yield items[i:i + size]


def _existing(model, keys, fields):
    found = {}
    for chunk in _chunks(keys):
        for row in model.objects.filter(key__in=chunk).values_list("key", *fields):
            found[row[0]] = row[1:]
    return found


def _insert(model, objs) -> None:
    """bulk_create without the ORM's per-object overhead (a first run writes ~300,000 rows).

    Values are prepared by each field for the connection (aware date-times to the
    stored form, JSON to text), so the rows are exactly what bulk_create would write.
    """
    if not objs:
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {model._meta.db_table} ({columns}) VALUES ({marks})"
    prepare = [_preparer(f) for f in fields]
    names = [f.attname for f in fields]
    with connection.cursor() as cur:
        for chunk in _chunks(objs, 5000):
            cur.executemany(sql, [[p(getattr(o, n)) for p, n in zip(prepare, names, strict=True)]
                                  for o in chunk])


def _same(value):
    return value


def _sqlite_datetime(value):
    # Django's stored form on SQLite: naive UTC ISO text (what get_db_prep_save gives).
    return None if value is None else value.astimezone(UTC).replace(tzinfo=None).isoformat(" ")


def _preparer(field):
    """The per-value conversion of one field; the generic field path is ~10 us a value."""
    from django.db import models

    if isinstance(field, models.DateTimeField) and connection.vendor == "sqlite":
        return _sqlite_datetime
    if isinstance(field, models.JSONField | models.DateTimeField):
        return lambda value: field.get_db_prep_save(value, connection)
    return _same


def _evidence(spec) -> list[str]:
    return list(spec.evidence)


def _write_tasks(specs, as_of, policy: Policy, stats: RunStats) -> None:
    by_key = {s.key: s for s in specs}
    existing = _existing(Task, by_key, ("id", "status", "version"))
    new, closing = [], []
    for key, spec in by_key.items():
        found = existing.get(key)
        if found is None:
            new.append(Task(
                key=key, kind=spec.kind, team=spec.team, lpa_id=spec.lpa_id,
                person_id=spec.person_id, subject=spec.subject, reason=spec.reason[:300],
                rule=spec.rule, policy_version=policy.version, evidence=_evidence(spec),
                starts_at=spec.starts_at, due_at=max(spec.due_at, spec.starts_at),
                status=spec.status, completed_at=spec.closed_at, outcome=spec.closed_because))
        elif found[1] != Task.Status.DONE and found[1] != spec.status:
            # Open, met and cancelled belong to the rules (a user's "done" never does):
            # a later record may close a task, or reopen one it had cancelled (e.g. a
            # crime recorded after a standard-risk assessment).
            closing.append(Task(id=found[0], status=spec.status, completed_at=spec.closed_at,
                                outcome=spec.closed_because, version=found[2] + 1,
                                evidence=_evidence(spec)))
    _insert(Task, new)
    for chunk in _chunks(closing):
        Task.objects.bulk_update(chunk, ["status", "completed_at", "outcome", "version",
                                         "evidence"])
    stats.tasks_created += len(new)
    stats.tasks_closed += len(closing)


def _write_flags(specs, owners, as_of, policy: Policy, stats: RunStats) -> None:
    by_key = {s.key: s for s in specs}
    existing = _existing(Flag, by_key, ("id", "expires_at", "score"))
    new, updated = [], []
    for key, spec in by_key.items():
        found = existing.get(key)
        if found is None:
            new.append(Flag(key=key, person_id=spec.person_id, kind=spec.kind, rule=spec.rule,
                            policy_version=policy.version, evidence=_evidence(spec),
                            reason=spec.reason[:300], score=spec.score,
                            raised_at=spec.raised_at, expires_at=spec.expires_at))
        elif found[1] != spec.expires_at or found[2] != spec.score:
            updated.append(Flag(id=found[0], expires_at=spec.expires_at, score=spec.score))
    active = Flag.objects.filter(raised_at__lte=as_of).filter(
        Q(expires_at__isnull=True) | Q(expires_at__gt=as_of))
    stale = []
    if owners is None:
        stale = [pk for pk, key in active.values_list("id", "key") if key not in by_key]
    else:
        for chunk in _chunks(owners):
            stale += [pk for pk, key in active.filter(person_id__in=chunk)
                      .values_list("id", "key") if key not in by_key]
    _insert(Flag, new)
    for chunk in _chunks(updated):
        Flag.objects.bulk_update(chunk, ["expires_at", "score"])
    for chunk in _chunks(stale):
        Flag.objects.filter(id__in=chunk).update(expires_at=as_of)
    stats.flags_raised += len(new)
    stats.flags_updated += len(updated)
    stats.flags_expired += len(stale)
