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
from dataclasses import dataclass
from datetime import UTC, datetime

from django.db import connection, transaction
from django.db.models import Q

from vigil.core import calendar as cal
from vigil.core.audit import record
from vigil.core.models import AuditEvent
from vigil.core.policy import Policy, current
from vigil.safeguarding import history, rules
from vigil.safeguarding.models import Flag, Task

CHUNK = 2000


# Rows a run changes before it refreshes the tables' planner statistics.
ANALYZE_AFTER = 1000


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


def school_calendar(policy: Policy) -> cal.SchoolCalendar:
    """The force's base calendar; local authorities' own term dates (History) override it."""
    return cal.force_school_calendar(policy.school_day_start)


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
    # growing heap again and again, so it is paused while the history and the
    # results are in memory (the write of a first run made it do full passes too).
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
        t2 = clock.perf_counter()
        _write(result, owners if scoped else None, as_of, policy.version, actor, stats)
    finally:
        if collecting:
            gc.enable()
    if stats.changed >= ANALYZE_AFTER and not connection.in_atomic_block:
        # A run that writes thousands of tasks leaves the planner's statistics stale:
        # each team queue page then sorted every open task (15 ms, not 0.3 ms, measured
        # on PostgreSQL at full scale).
        with connection.cursor() as cur:
            for model in (Task, Flag):
                cur.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    stats.load_s, stats.evaluate_s = t1 - t0, t2 - t1
    stats.write_s = clock.perf_counter() - t2
    return stats


def _write(result, owners, as_of, version: str, actor: str, stats: RunStats) -> None:
    """Reconcile the rules' output with the stored rows in one transaction.

    `version` is the policy fingerprint (a hash of every value): taken once per run,
    not once per row. `owners` None means everybody (a batch run).
    """
    with transaction.atomic():
        _write_tasks(result.tasks, version, stats, whole=owners is None)
        _write_flags(result.flags, owners, as_of, version, stats)
        if stats.changed:
            record(actor, AuditEvent.Action.UPDATE, "safeguarding.rules", "",
                   context="rules:batch" if owners is None else "rules:incremental",
                   detail={"as_of": as_of.isoformat(), "policy": version,
                           "persons": stats.persons, "tasks_created": stats.tasks_created,
                           "tasks_closed": stats.tasks_closed,
                           "flags_raised": stats.flags_raised,
                           "flags_expired": stats.flags_expired})


def _chunks(items, size=CHUNK):
    items = list(items)
    for i in range(0, len(items), size):
        yield items[i:i + size]


def _existing(model, keys, fields, whole: bool):
    """key -> (fields) of the stored rows among `keys`.

    A batch run holds nearly every key, so one scan of the table beats thousands
    of index probes; a scoped run looks its few keys up.
    """
    found = {}
    rows = model.objects.values_list("key", *fields)
    for chunk in ([None] if whole else _chunks(keys)):
        for row in (rows if chunk is None else rows.filter(key__in=chunk)).iterator(20_000):
            found[row[0]] = row[1:]
    return found


def _datetime_param():
    """Aware date-time -> the stored form, as the field would prepare it.

    Django's path costs ~10 us a value; a first run writes a million of them.
    """
    if connection.vendor == "sqlite":  # naive UTC ISO text (adapt_datetimefield_value)
        return lambda v: None if v is None else str(v.astimezone(UTC).replace(tzinfo=None))
    return lambda v: v


def _execute(sql: str, rows: list) -> None:
    with connection.cursor() as cur:
        for chunk in _chunks(rows, 10_000):
            cur.executemany(sql, chunk)


def _insert(model, columns: tuple[str, ...], rows: list) -> None:
    """INSERT rows (tuples in `columns` order, already in the stored form) in bulk.

    PostgreSQL takes them by COPY (psycopg's copy.write_row): an INSERT a row costs
    ~0.2 ms there even pipelined, a minute for a first run over a whole force.
    """
    if not rows:
        return
    table, names = model._meta.db_table, ", ".join(map(connection.ops.quote_name, columns))
    if connection.vendor == "postgresql":
        with connection.cursor() as cur, cur.cursor.copy(
                f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    _execute(f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(columns))})",
             rows)


def _update(model, columns: tuple[str, ...], rows: list) -> None:
    """UPDATE by id: rows are (*values in `columns` order, id)."""
    if rows:
        quote = connection.ops.quote_name
        sets = ", ".join(f"{quote(c)} = %s" for c in columns)
        _execute(f"UPDATE {model._meta.db_table} SET {sets} WHERE id = %s", rows)


def _json_param():
    """Evidence tuple -> the stored JSON (text on SQLite, Jsonb on PostgreSQL)."""
    adapt = connection.ops.adapt_json_value  # looked up once: ~5 us a row otherwise
    return lambda values: adapt(list(values), None)


TASK_COLUMNS = ("key", "kind", "team", "lpa_id", "person_id", "subject", "reason", "rule",
                "policy_version", "evidence", "starts_at", "due_at", "status",
                "completed_at", "outcome", "version")


def _write_tasks(specs, version: str, stats: RunStats, whole: bool) -> None:
    by_key = {s.key: s for s in specs}
    existing = _existing(Task, by_key, ("id", "status", "version", "reason"), whole)
    dt, js = _datetime_param(), _json_param()
    new, closing, reworded = [], [], []
    for key, spec in by_key.items():
        found = existing.get(key)
        if found is None:
            new.append((key, spec.kind, spec.team, spec.lpa_id, spec.person_id, spec.subject,
                        spec.reason[:300], spec.rule, version, js(spec.evidence),
                        dt(spec.starts_at), dt(max(spec.due_at, spec.starts_at)), spec.status,
                        dt(spec.closed_at), spec.closed_because, 1))
        elif found[1] != Task.Status.DONE and found[1] != spec.status:
            # Open, met and cancelled belong to the rules (a user's "done" never does):
            # a later record may close a task, or reopen one it had cancelled (e.g. a
            # crime recorded after a standard-risk assessment).
            closing.append((spec.status, dt(spec.closed_at), spec.closed_because,
                            found[2] + 1, js(spec.evidence), found[0]))
        elif found[1] == Task.Status.OPEN == spec.status and found[3] != spec.reason[:300]:
            # An open task says what stands in the way now (e.g. the school's Key Adult
            # address has since been added).
            reworded.append((spec.reason[:300], found[0]))
    _insert(Task, TASK_COLUMNS, new)
    _update(Task, ("status", "completed_at", "outcome", "version", "evidence"), closing)
    _update(Task, ("reason",), reworded)
    stats.tasks_created += len(new)
    stats.tasks_closed += len(closing)


FLAG_COLUMNS = ("key", "person_id", "kind", "rule", "policy_version", "evidence", "reason",
                "score", "raised_at", "expires_at")


def _write_flags(specs, owners, as_of, version: str, stats: RunStats) -> None:
    by_key = {s.key: s for s in specs}
    existing = _existing(Flag, by_key, ("id", "expires_at", "score"), owners is None)
    dt, js = _datetime_param(), _json_param()
    new, updated = [], []
    for key, spec in by_key.items():
        found = existing.get(key)
        if found is None:
            new.append((key, spec.person_id, spec.kind, spec.rule, version,
                        js(spec.evidence), spec.reason[:300], spec.score,
                        dt(spec.raised_at), dt(spec.expires_at)))
        elif found[1] != spec.expires_at or found[2] != spec.score:
            updated.append((dt(spec.expires_at), spec.score, found[0]))
    active = Flag.objects.filter(raised_at__lte=as_of).filter(
        Q(expires_at__isnull=True) | Q(expires_at__gt=as_of))
    stale = []
    for chunk in [None] if owners is None else _chunks(owners):
        rows = active if chunk is None else active.filter(person_id__in=chunk)
        stale += [(dt(as_of), pk) for pk, key in rows.values_list("id", "key").iterator(20_000)
                  if key not in by_key]
    _insert(Flag, FLAG_COLUMNS, new)
    _update(Flag, ("expires_at", "score"), updated)
    _update(Flag, ("expires_at",), stale)
    stats.flags_raised += len(new)
    stats.flags_updated += len(updated)
    stats.flags_expired += len(stale)
