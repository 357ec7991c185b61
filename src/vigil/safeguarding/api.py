"""The rules engine's public API: what a team's rules are written against.

A team app keeps its rules in its own `rules.py` and registers them here from its
AppConfig.ready() (`register_rules`). The engine (rules.py, engine.py) runs every
registered rule over a person's history and never imports a team app, so the
import graph has no circle (tests/test_architecture.py).

A rule is a pure function `rule(ctx: Context) -> None`: it reads `ctx.h` (the
in-memory History, history.py) for person `ctx.pid` as of `ctx.as_of` under
`ctx.policy`, and emits `ctx.flag(FlagSpec)` / `ctx.task(TaskSpec)`.

Conventions every rule keeps
- Only records at or before `as_of` count, so `vigil rules --as-of T` replays history.
- Each output has a stable `key` (rule + the record that triggered it), the rule
  name and its evidence ("app.model:id" references).
- A task the records show was done is emitted MET with the evidence of the record
  that met it; one no longer needed CANCELLED; otherwise OPEN.
- A duty due before the backfill horizon is history and is not opened.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cached_property

from vigil.core import calendar as cal
from vigil.core.policy import Policy

__all__ = [
    "CANCELLED", "CLOCK_SLACK", "CRIME", "INC", "LEVEL_NAMES", "MET", "OPEN", "RA", "Context",
    "FlagSpec", "Result", "TaskSpec", "age", "cal", "days_between", "final_level",
    "primary_person", "ref", "register_draw", "register_rules", "registered_draws",
    "registered_rules", "start_of",
]

OPEN, MET, CANCELLED = "open", "met", "cancelled"
LEVEL_NAMES = {1: "standard", 2: "medium", 3: "high"}
INC, CRIME, RA = "incidents.incident", "incidents.crime", "risk.riskassessment"
# No clock runs longer than this (the longest is an Encompass incident at the start of
# the summer holiday), so a duty starting earlier than horizon - slack is certainly stale.
CLOCK_SLACK = timedelta(days=70)


@dataclass(frozen=True)
class FlagSpec:
    key: str
    person_id: int
    kind: str
    rule: str
    reason: str
    raised_at: datetime
    evidence: tuple = ()
    expires_at: datetime | None = None
    score: float | None = None


@dataclass(frozen=True)
class TaskSpec:
    key: str
    person_id: int
    kind: str
    team: str
    rule: str
    subject: str
    reason: str
    starts_at: datetime
    due_at: datetime
    lpa_id: int | None
    evidence: tuple = ()
    status: str = OPEN
    closed_at: datetime | None = None
    closed_because: str = ""


@dataclass
class Result:
    flags: list[FlagSpec] = field(default_factory=list)
    tasks: list[TaskSpec] = field(default_factory=list)


def ref(kind: str, pk) -> str:
    return f"{kind}:{pk}"


def start_of(day: date) -> datetime:
    """Midnight at the start of a London day."""
    return cal.local(day)


def days_between(a: datetime, b: datetime) -> int:
    """Whole calendar days from a to b (London dates): day 365 vs 366 is exact."""
    return (b.date() - a.date()).days


def age(dob: date | None, on: date) -> int | None:
    if dob is None:
        return None
    return on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))


def final_level(policy: Policy, yes_count: int, recorded_final: int) -> tuple[int, int]:
    """(actuarial level under the policy, final level): judgement raises, never lowers."""
    actuarial = policy.actuarial_level(yes_count)
    return actuarial, max(actuarial, recorded_final or 1)


def primary_person(inc) -> int:
    """Who owns an incident's duties: the lowest-numbered victim, else any party."""
    victims = [p for p, r, _ in inc.parties if r == "victim"]
    return min(victims or [p for p, _, _ in inc.parties])


class Context:
    """One person's evaluation: the history, the clock, the policy, and the output."""

    def __init__(self, h, pid: int, as_of: datetime, policy: Policy, school):
        self.h, self.pid, self.as_of, self.policy, self.school = h, pid, as_of, policy, school
        self.horizon = as_of - timedelta(days=policy.task_backfill_days)
        self.out = Result()

    def stale(self, at: datetime) -> bool:
        """A duty starting at `at` is certainly due before the backfill horizon."""
        return at < self.horizon - CLOCK_SLACK

    def task(self, spec: TaskSpec) -> None:
        if spec.starts_at > self.as_of or spec.due_at < self.horizon:
            return
        self.out.tasks.append(spec)

    def flag(self, spec: FlagSpec) -> None:
        self.out.flags.append(spec)

    def met(self, at: datetime | None) -> bool:
        return at is not None and at <= self.as_of

    def crime_event(self, crime_id: int) -> tuple[datetime, str, int]:
        """The event a crime belongs to, as (time, reference, LPA): the incident it was
        recorded from, else the crime itself (docs/safeguarding-rules.md "One event").

        A crime linked to an incident is that incident's event. A crime with no link is
        the event of its victim's incident reported at most
        `crime_incident_same_event_days` before the crime was recorded (the latest
        such, then the lowest id), when the two name a common suspect or either names
        none; otherwise the crime is an event of its own, at its recorded time.
        """
        cache = self.__dict__.setdefault("_crime_events", {})
        if crime_id in cache:
            return cache[crime_id]
        h, crime = self.h, self.h.crimes[crime_id]
        inc = h.incidents.get(crime.incident_id) if crime.incident_id else None
        if inc is None and crime.incident_id is None:
            days = self.policy.crime_incident_same_event_days
            suspects = set(crime.suspects)
            best = None
            for victim in sorted(set(crime.victims)):
                for inc_id in h.victim_incidents.get(victim, ()):
                    cand = h.incidents[inc_id]
                    if not (cand.reported_at <= crime.recorded_at
                            and days_between(cand.reported_at, crime.recorded_at) <= days):
                        continue
                    on_log = {p for p, r, _ in cand.parties if r == "suspect"}
                    if suspects and on_log and not suspects & on_log:
                        continue
                    if best is None or (cand.reported_at, -cand.id) > (best.reported_at,
                                                                       -best.id):
                        best = cand
            inc = best
        event = ((inc.reported_at, ref(INC, inc.id), inc.lpa_id) if inc is not None
                 else (crime.recorded_at, ref(CRIME, crime_id), crime.lpa_id))
        cache[crime_id] = event
        return event

    @cached_property
    def victim_events(self) -> list[tuple[datetime, str, int | None]]:
        """DA incidents and crimes where the person is the victim, one per event, by time.

        A crime recorded from an incident is the same event as the incident (`crime_event`),
        counted at the incident's time.
        """
        h, pid = self.h, self.pid
        events = []
        seen = set()
        for inc_id in h.victim_incidents.get(pid, ()):
            inc = h.incidents[inc_id]
            if inc.reported_at <= self.as_of:
                events.append((inc.reported_at, ref(INC, inc_id), inc.lpa_id))
                seen.add(ref(INC, inc_id))
        for crime_id in sorted(set(h.person_crimes.get(pid, ()))):
            crime = h.crimes[crime_id]
            if crime.is_da and pid in crime.victims and crime.recorded_at <= self.as_of:
                event = self.crime_event(crime_id)
                if event[1] not in seen:
                    seen.add(event[1])
                    events.append(event)
        events.sort()
        return events

    @cached_property
    def offences(self) -> list:
        """DA crimes the person is a suspect in, with their victims, by the time of their
        event (the incident's time for a crime recorded from one, as `victim_events`)."""
        out = []
        for crime_id in set(self.h.person_crimes.get(self.pid, ())):
            crime = self.h.crimes[crime_id]
            if crime.is_da and self.pid in crime.suspects and crime.recorded_at <= self.as_of:
                victims = tuple(sorted(v for v in set(crime.victims) if v != self.pid))
                out.append((self.crime_event(crime_id)[0], crime_id, victims,
                            crime.offence_group, crime.lpa_id))
        out.sort()
        return out

    @cached_property
    def offence_events(self) -> list:
        """`offences` one per event: the crimes recorded from one incident are one event.

        Each is (event time, first crime id, victims, offence group, LPA, known at): the
        event's time counts the windows; `known at` (the first crime's recorded time) is
        when the police knew of the offence, for a task's start.
        """
        grouped: dict[str, list] = {}
        for offence in self.offences:
            grouped.setdefault(self.crime_event(offence[1])[1], []).append(offence)
        out = []
        for items in grouped.values():
            first = items[0]
            victims = tuple(sorted({v for o in items for v in o[2]}))
            known = min(self.h.crimes[o[1]].recorded_at for o in items)
            out.append((first[0], first[1], victims, first[3], first[4], known))
        out.sort()
        return out


Rule = Callable[[Context], None]
_RULES: dict[str, Rule] = {}
_DRAWS: dict[str, Callable] = {}


def register_rules(*rules: Rule) -> None:
    """Add a team's rules to the engine (idempotent: a rule is known by its qualified name).

    Called from the team app's AppConfig.ready(); the engine runs them in the order
    the apps are installed, then the order given.
    """
    for rule in rules:
        _RULES.setdefault(f"{rule.__module__}.{rule.__qualname__}", rule)


def registered_rules() -> tuple[Rule, ...]:
    return tuple(_RULES.values())


def register_draw(name: str, draw: Callable) -> None:
    """A set-wise job `vigil rules` runs after the person rules (e.g. the QA dip sample).

    `draw(as_of=datetime) -> (tasks_created: int, lines: list[str])`.
    """
    _DRAWS.setdefault(name, draw)


def registered_draws() -> dict[str, Callable]:
    return dict(_DRAWS)
