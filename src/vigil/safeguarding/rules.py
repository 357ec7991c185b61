"""Evaluate the registered rules: a person's history in, flags and tasks out.

The rules themselves live in the team apps (`<app>/rules.py`), written against
`vigil.safeguarding.api` and registered from each app's AppConfig.ready(); this
module imports none of them. `evaluate(history, person_id, as_of, policy)` is pure:
it reads the in-memory `History` (history.py) and returns the specs. The batch and
the incremental paths both call it; only what they load differs.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from vigil.core import calendar as cal
from vigil.core.policy import Policy
from vigil.safeguarding.api import CLOCK_SLACK, Context, Result, registered_rules


def lookback_start(as_of: datetime, policy: Policy) -> datetime:
    """The oldest record time any rule can need for an output live at `as_of`.

    Flags look back one window from an event inside the last window (repeat,
    escalation, MARAC: two windows), the serial ranking three years, tasks the
    backfill horizon plus the longest clock. Crimes still open and orders still
    live are read whatever their age (history.load).
    """
    days = max(policy.serial_window_days, 2 * policy.repeat_victim_window_days,
               2 * policy.escalation_window_days, policy.risk_level_valid_days,
               policy.marac_escalation_window_days + policy.marac_repeat_window_days,
               2 * policy.marac_repeat_window_days, policy.task_backfill_days)
    return as_of - timedelta(days=days + 1) - CLOCK_SLACK


def evaluate(h, pid: int, as_of: datetime, policy: Policy, school=None, rules=None) -> Result:
    """All flags and tasks owned by person `pid` as of `as_of`."""
    ctx = Context(h, pid, as_of, policy, school or cal.default_school_calendar())
    for rule in registered_rules() if rules is None else rules:
        rule(ctx)
    return ctx.out


def evaluate_many(h, as_of: datetime, policy: Policy, school=None, persons=None) -> Result:
    out = Result()
    school = school or cal.default_school_calendar()
    rules = registered_rules()
    for pid in sorted(h.persons if persons is None else persons):
        r = evaluate(h, pid, as_of, policy, school, rules)
        out.flags.extend(r.flags)
        out.tasks.extend(r.tasks)
    return out


PARALLEL_ABOVE = 50_000  # persons: below this, starting workers costs more than it saves
_shared: tuple | None = None


def _evaluate_part(persons) -> Result:
    h, as_of, policy, school = _shared
    return evaluate_many(h, as_of, policy, school, persons)


def evaluate_all(h, as_of: datetime, policy: Policy, school=None) -> Result:
    """evaluate_many, split over the CPU cores for a whole force (forked workers share the
    loaded history copy-on-write; each evaluates every n-th person)."""
    import multiprocessing
    import os

    global _shared
    workers = min(os.cpu_count() or 1, 8)
    if (len(h.persons) < PARALLEL_ABOVE or workers < 2
            or "fork" not in multiprocessing.get_all_start_methods()):
        return evaluate_many(h, as_of, policy, school)
    school = school or cal.default_school_calendar()
    _shared = (h, as_of, policy, school)
    persons = sorted(h.persons)
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            parts = pool.map(_evaluate_part, [persons[i::workers] for i in range(workers)])
    finally:
        _shared = None
    out = Result()
    for part in parts:
        out.flags.extend(part.flags)
        out.tasks.extend(part.tasks)
    return out


def group_by_person(items) -> dict[int, list]:
    grouped = defaultdict(list)
    for item in items:
        grouped[item.person_id].append(item)
    return grouped
