"""The safeguarding rules, defined once: a person's history in, flags and tasks out.

`evaluate(history, person_id, as_of, policy)` is pure: it reads the in-memory
`History` (see history.py) and returns `FlagSpec`s and `TaskSpec`s. The batch and
the incremental paths both call it; only what they load differs.

Conventions
- Only records at or before `as_of` count, so `vigil rules --as-of T` replays history.
- Each output has a stable `key` (rule + the record that triggered it), records the
  rule name, the policy version and its evidence ("app.model:id" references).
- A task the records show was done is emitted as MET, with the evidence of the
  record that met it; a task no longer needed (e.g. the risk turned out standard
  and no crime was recorded) as CANCELLED; otherwise OPEN.
- A duty due more than `policy.task_backfill_days` before `as_of` is history and is
  not opened (so a first run over ten years does not open ten years of work).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from vigil.core import calendar as cal
from vigil.core.policy import Policy

OPEN, MET, CANCELLED = "open", "met", "cancelled"
LEVEL_NAMES = {1: "standard", 2: "medium", 3: "high"}


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


CLOCK_SLACK = timedelta(days=70)
INC, CRIME, RA = "incidents.incident", "incidents.crime", "risk.riskassessment"


def _start_of(day: date) -> datetime:
    return cal.local(day)


class _Ctx:
    def __init__(self, h, pid: int, as_of: datetime, policy: Policy, school):
        self.h, self.pid, self.as_of, self.policy, self.school = h, pid, as_of, policy, school
        self.horizon = as_of - timedelta(days=policy.task_backfill_days)
        self.out = Result()

    def stale(self, at: datetime) -> bool:
        """A duty starting at `at` is certainly due before the backfill horizon.

        No clock runs longer than CLOCK_SLACK (the longest is an Encompass incident
        at the start of the summer holiday), so the deadline need not be computed.
        """
        return at < self.horizon - CLOCK_SLACK

    def task(self, spec: TaskSpec) -> None:
        if spec.starts_at > self.as_of or spec.due_at < self.horizon:
            return
        self.out.tasks.append(spec)

    def met(self, at: datetime | None) -> bool:
        return at is not None and at <= self.as_of


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


def evaluate(h, pid: int, as_of: datetime, policy: Policy, school=None) -> Result:
    """All flags and tasks owned by person `pid` as of `as_of`."""
    ctx = _Ctx(h, pid, as_of, policy, school or cal.default_school_calendar())
    events = _victim_events(ctx)
    _repeat_victim(ctx, events)
    _vulnerable_victim(ctx, events)
    offences = _offences(ctx)
    _escalation(ctx, offences)
    _serial(ctx, offences)
    _risk_and_marac(ctx, events)
    _incident_tasks(ctx)
    _order_tasks(ctx)
    _marac_hearings(ctx)
    _dvds_tasks(ctx)
    _victims_code(ctx)
    return ctx.out


# --- victims -----------------------------------------------------------------------------

def _victim_events(ctx: _Ctx) -> list[tuple[datetime, str, int | None]]:
    """DA incidents and crimes where the person is the victim, one per event, by time.

    A crime recorded from an incident is the same event as the incident.
    """
    h, pid = ctx.h, ctx.pid
    events = []
    incident_ids = set()
    for inc_id in h.victim_incidents.get(pid, ()):
        inc = h.incidents[inc_id]
        if inc.reported_at <= ctx.as_of:
            events.append((inc.reported_at, ref(INC, inc_id), inc.lpa_id))
            incident_ids.add(inc_id)
    for crime_id in set(h.person_crimes.get(pid, ())):
        crime = h.crimes[crime_id]
        if (crime.is_da and pid in crime.victims and crime.recorded_at <= ctx.as_of
                and crime.incident_id not in incident_ids):
            events.append((crime.recorded_at, ref(CRIME, crime_id), crime.lpa_id))
    events.sort()
    return events


def _days(a: datetime, b: datetime) -> int:
    """Whole calendar days from a to b (London dates): day 365 vs 366 is exact."""
    return (b.date() - a.date()).days


def _repeat_victim(ctx: _Ctx, events) -> None:
    window = ctx.policy.repeat_victim_window_days
    for k in range(len(events) - 1, 0, -1):
        at, event_ref, _ = events[k]
        previous = [e for e in events[:k] if _days(e[0], at) <= window]
        if not previous:
            continue
        expires = cal.end_of_day(at.date() + timedelta(days=window))
        if expires > ctx.as_of:
            ctx.out.flags.append(FlagSpec(
                key=f"repeat_victim:{ctx.pid}:{event_ref}", person_id=ctx.pid,
                kind="repeat_victim", rule="repeat_victim",
                reason=f"Repeat victim: {len(previous) + 1} DA incidents or crimes within "
                       f"{window} days",
                raised_at=at, evidence=tuple(e[1] for e in previous) + (event_ref,),
                expires_at=expires))
        return


def _age(dob: date | None, on: date) -> int | None:
    if dob is None:
        return None
    return on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))


def _vulnerable_victim(ctx: _Ctx, events) -> None:
    if not events:
        return
    policy, today = ctx.policy, ctx.as_of.date()
    last_at, last_ref, _ = events[-1]
    expires = cal.end_of_day(last_at.date() + timedelta(days=policy.repeat_victim_window_days))
    if expires <= ctx.as_of:
        return
    factors, evidence, raised = [], [last_ref], last_at
    age = _age(ctx.h.dob.get(ctx.pid), today)
    if age is not None and age < policy.vulnerable_age_under:
        factors.append(f"under {policy.vulnerable_age_under}")
    if age is not None and age >= policy.vulnerable_age_from:
        factors.append(f"aged {policy.vulnerable_age_from}+")
    for vid, factor, recorded_on, ends_on, source in sorted(
            ctx.h.vulnerabilities.get(ctx.pid, ())):
        if recorded_on <= today and (ends_on is None or ends_on >= today):
            factors.append(f"{factor.replace('_', ' ')} ({source})")
            evidence.append(ref("people.vulnerability", vid))
            raised = max(raised, _start_of(recorded_on))
    if factors:
        ctx.out.flags.append(FlagSpec(
            key=f"vulnerable:{ctx.pid}:{'+'.join(sorted(evidence))}:{len(factors)}"[:200],
            person_id=ctx.pid, kind="vulnerable_victim", rule="vulnerable_victim",
            reason=("Vulnerable victim: " + "; ".join(factors))[:300],
            raised_at=raised, evidence=tuple(evidence), expires_at=expires))


# --- perpetrators ------------------------------------------------------------------------

def _offences(ctx: _Ctx) -> list:
    """DA crimes the person is a suspect in, with their victims, by time."""
    out = []
    for crime_id in set(ctx.h.person_crimes.get(ctx.pid, ())):
        crime = ctx.h.crimes[crime_id]
        if crime.is_da and ctx.pid in crime.suspects and crime.recorded_at <= ctx.as_of:
            victims = tuple(sorted(v for v in set(crime.victims) if v != ctx.pid))
            out.append((crime.recorded_at, crime_id, victims, crime.offence_group,
                        crime.lpa_id))
    out.sort()
    return out


def _escalation(ctx: _Ctx, offences) -> None:
    """Each offence that completes a pattern opens a review; the latest one is the flag."""
    policy = ctx.policy
    window = policy.escalation_window_days
    flagged = False
    for k in range(len(offences) - 1, -1, -1):
        at, crime_id, victims, _, lpa = offences[k]
        expires = cal.end_of_day(at.date() + timedelta(days=window))
        if ctx.stale(at) and (flagged or expires <= ctx.as_of):
            return
        in_window = [o for o in offences[:k + 1] if _days(o[0], at) <= window]
        reasons = []
        for v in victims:
            same = [o for o in in_window if v in o[2]]
            if len(same) >= policy.escalation_same_victim_count:
                reasons.append(f"{len(same)} offences against the same victim")
        distinct = {v for o in in_window for v in o[2]}
        if len(distinct) >= policy.escalation_different_victims_count:
            reasons.append(f"{len(distinct)} different victims")
        if not reasons:
            continue
        crime_ref = ref(CRIME, crime_id)
        evidence = tuple(ref(CRIME, o[1]) for o in in_window)
        reason = f"Escalating perpetrator: {'; '.join(reasons)} within {window} days"
        if not flagged and expires > ctx.as_of:
            ctx.out.flags.append(FlagSpec(
                key=f"escalation:{ctx.pid}:{crime_ref}", person_id=ctx.pid, kind="escalation",
                rule="perpetrator_escalation", reason=reason, raised_at=at, evidence=evidence,
                expires_at=expires))
        flagged = True
        if not ctx.stale(at):
            ctx.task(TaskSpec(
                key=f"escalation_review:{ctx.pid}:{crime_ref}", person_id=ctx.pid,
                kind="escalation_review", team="investigators", rule="perpetrator_escalation",
                subject=crime_ref, reason=f"Refer to specialist investigators. {reason}",
                starts_at=at,
                due_at=cal.add_working_days(at, policy.escalation_review_working_days),
                lpa_id=lpa, evidence=evidence))


def _serial(ctx: _Ctx, offences) -> None:
    """MATAC-style ranking over the window: recency-weighted gravity, plus victims."""
    policy = ctx.policy
    recent = [o for o in offences if _days(o[0], ctx.as_of) <= policy.serial_window_days]
    if not recent:
        return
    victims = {v for o in recent for v in o[2]}
    if len(recent) < policy.serial_min_offences and len(victims) < policy.serial_min_victims:
        return
    half_life = policy.serial_recency_half_life_days
    gravity = sum(policy.gravity(o[3]) * 0.5 ** (_days(o[0], ctx.as_of) / half_life)
                  for o in recent)
    score = round(gravity + 2 * len(victims), 2)
    last_at, last_id = recent[-1][0], recent[-1][1]
    ctx.out.flags.append(FlagSpec(
        key=f"serial:{ctx.pid}:{ref(CRIME, last_id)}", person_id=ctx.pid,
        kind="serial_perpetrator", rule="serial_perpetrator",
        reason=(f"Serial perpetrator: {len(recent)} DA offences against {len(victims)} "
                f"victim(s) in {policy.serial_window_days} days; score {score}"),
        raised_at=last_at, evidence=tuple(ref(CRIME, o[1]) for o in recent),
        expires_at=cal.end_of_day(last_at.date() + timedelta(days=policy.serial_window_days)),
        score=score))


# --- risk and MARAC ----------------------------------------------------------------------

def final_level(policy: Policy, yes_count: int, recorded_final: int) -> tuple[int, int]:
    """(actuarial level under the policy, final level): judgement raises, never lowers."""
    actuarial = policy.actuarial_level(yes_count)
    return actuarial, max(actuarial, recorded_final or 1)


def _risk_and_marac(ctx: _Ctx, events) -> None:
    policy, pid = ctx.policy, ctx.pid
    assessments = sorted((a for a in ctx.h.assessments.get(pid, ()) if a[4] <= ctx.as_of),
                         key=lambda a: (a[4], a[0]))
    anchors: dict[str, dict] = {}
    # Older anchors give neither a live flag nor a task inside the backfill horizon.
    flag_days = policy.marac_repeat_window_days

    for ra in assessments:
        ra_id, _, inc_id, crime_id, assessed_at, yes, _, recorded_final, _, why, lpa = ra
        actuarial, level = final_level(policy, yes, recorded_final)
        ra_ref = ref(RA, ra_id)
        if ctx.stale(assessed_at) and _days(assessed_at, ctx.as_of) > flag_days:
            continue
        criteria = []
        if actuarial == 3:
            criteria.append("visible high risk")
        elif level == 3:
            criteria.append("professional judgement")
        if criteria:
            anchors[ra_ref] = {"at": assessed_at, "criteria": criteria, "lpa": lpa,
                               "evidence": [ra_ref], "high": True}
        if level >= 2 and not ctx.stale(assessed_at):
            due = (cal.add_days(assessed_at, policy.high_risk_contact_days) if level == 3
                   else cal.add_working_days(assessed_at, policy.medium_risk_contact_working_days))
            ctx.task(TaskSpec(
                key=f"safeguarding_contact:{ra_ref}", person_id=pid,
                kind="safeguarding_contact", team="safeguarding", rule="safeguarding_contact",
                subject=ref(INC, inc_id) if inc_id else (ref(CRIME, crime_id) if crime_id
                                                          else ra_ref),
                reason=f"Safeguarding contact with a {LEVEL_NAMES[level]}-risk victim",
                starts_at=assessed_at, due_at=due, lpa_id=lpa, evidence=(ra_ref,)))
    valid_until = (cal.end_of_day(assessments[-1][4].date()
                                  + timedelta(days=policy.risk_level_valid_days))
                   if assessments else None)
    latest_level = (final_level(policy, assessments[-1][5], assessments[-1][7])[1]
                    if assessments else 1)
    # Standard risk is the absence of a risk flag: the DASH itself is on the person page.
    if valid_until and valid_until > ctx.as_of and latest_level >= 2:
        ra = assessments[-1]
        actuarial, level = final_level(policy, ra[5], ra[7])
        raised = (f"; raised from {LEVEL_NAMES[actuarial]} by professional judgement"
                  + (f" ({ra[9][:80]})" if ra[9] else "")) if level > actuarial else ""
        ctx.out.flags.append(FlagSpec(
            key=f"risk_level:{pid}:{ref(RA, ra[0])}:{level}", person_id=pid,
            kind=f"risk_{LEVEL_NAMES[level]}", rule="final_risk_level",
            reason=f"{LEVEL_NAMES[level].capitalize()} risk: DASH {ra[5]} Yes{raised}"[:300],
            raised_at=ra[4], evidence=(ref(RA, ra[0]),), score=float(level),
            expires_at=valid_until))

    referrals = sorted((r for r in ctx.h.referrals.get(pid, ())
                        if _start_of(r[3]) <= ctx.as_of), key=lambda r: (r[3], r[0]))
    esc_window, esc_count = policy.marac_escalation_window_days, policy.marac_escalation_incidents
    for k, (at, event_ref, lpa) in enumerate(events):
        if ctx.stale(at) and _days(at, ctx.as_of) > flag_days:
            continue
        criteria, evidence = [], [event_ref]
        recent = [e for e in events[:k + 1] if _days(e[0], at) <= esc_window]
        if len(recent) >= esc_count:
            criteria.append(f"potential escalation ({len(recent)} incidents in "
                            f"{esc_window} days)")
            evidence = [e[1] for e in recent]
        before = [r for r in referrals if r[3] < at.date()]
        if before and (at.date() - before[-1][3]).days <= policy.marac_repeat_window_days:
            criteria.append(f"repeat (within {policy.marac_repeat_window_days} days of the "
                            f"referral on {before[-1][3]:%d %b %Y})")
            evidence.append(ref("marac.maracreferral", before[-1][0]))
        if criteria:
            anchor = anchors.setdefault(event_ref, {"at": at, "criteria": [], "lpa": lpa,
                                                    "evidence": [], "high": False})
            anchor["criteria"] += criteria
            anchor["evidence"] += evidence

    latest = None
    for anchor_ref, anchor in anchors.items():
        at = anchor["at"]
        if latest is None or (at, anchor_ref) > (latest[1]["at"], latest[0]):
            latest = (anchor_ref, anchor)
        if ctx.stale(at):
            continue
        later = [r for r in referrals if r[3] >= at.date()]
        reason = "MARAC criteria met: " + "; ".join(anchor["criteria"])
        evidence = tuple(dict.fromkeys(anchor["evidence"]))
        due = cal.add_working_days(at, policy.marac_referral_working_days)
        status, closed_at, because = OPEN, None, ""
        if later:
            status, closed_at = MET, _start_of(later[0][3])
            because = ref("marac.maracreferral", later[0][0])
        ctx.task(TaskSpec(
            key=f"marac_referral:{pid}:{anchor_ref}", person_id=pid, kind="marac_referral",
            team="marac", rule="marac_eligibility", subject=anchor_ref,
            reason=f"Proposed MARAC referral. {reason}"[:300], starts_at=at, due_at=due,
            lpa_id=anchor["lpa"], evidence=evidence, status=status, closed_at=closed_at,
            closed_because=because))
        if anchor["high"]:
            idva = [r for r in later if r[6] is not None and _start_of(r[6]) <= ctx.as_of]
            ctx.task(TaskSpec(
                key=f"idva_referral:{pid}:{anchor_ref}", person_id=pid, kind="idva_referral",
                team="marac", rule="idva_referral", subject=anchor_ref,
                reason="Refer the high-risk victim to an IDVA", starts_at=at, due_at=due,
                lpa_id=anchor["lpa"], evidence=evidence,
                status=MET if idva else OPEN,
                closed_at=_start_of(idva[0][6]) if idva else None,
                closed_because=ref("marac.maracreferral", idva[0][0]) if idva else ""))
    if latest:
        anchor_ref, anchor = latest
        expires = cal.end_of_day(anchor["at"].date()
                                 + timedelta(days=policy.marac_repeat_window_days))
        if expires > ctx.as_of:
            ctx.out.flags.append(FlagSpec(
                key=f"marac_eligible:{pid}:{anchor_ref}", person_id=pid, kind="marac_eligible",
                rule="marac_eligibility",
                reason=("MARAC eligible: " + "; ".join(anchor["criteria"]))[:300],
                raised_at=anchor["at"], evidence=tuple(dict.fromkeys(anchor["evidence"])),
                expires_at=expires))


def _marac_hearings(ctx: _Ctx) -> None:
    limit = ctx.policy.marac_hearing_limit_days
    for rid, pid, lpa, referred_on, status, heard_on, _ in ctx.h.referrals.get(ctx.pid, ()):
        start = _start_of(referred_on)
        if ctx.stale(start):
            continue
        r_ref = ref("marac.maracreferral", rid)
        state, closed, because = OPEN, None, ""
        if heard_on is not None and ctx.met(_start_of(heard_on)):
            state, closed, because = MET, _start_of(heard_on), f"heard on {heard_on}"
        elif status in ("withdrawn", "transferred"):
            state, closed, because = CANCELLED, start, f"referral {status}"
        ctx.task(TaskSpec(
            key=f"marac_hearing:{r_ref}", person_id=pid, kind="marac_hearing", team="marac",
            rule="marac_hearing", subject=r_ref,
            reason=f"MARAC hearing within {limit} days of the referral on {referred_on:%d %b %Y}",
            starts_at=start, due_at=cal.date_deadline(referred_on, limit), lpa_id=lpa,
            evidence=(r_ref,), status=state, closed_at=closed, closed_because=because))


# --- incident-level duties ---------------------------------------------------------------

def primary_person(inc) -> int:
    """Who owns an incident's duties: the lowest-numbered victim, else any party."""
    victims = [p for p, r, _ in inc.parties if r == "victim"]
    return min(victims or [p for p, _, _ in inc.parties])


def _incident_tasks(ctx: _Ctx) -> None:
    h, pid = ctx.h, ctx.pid
    for inc_id in sorted(set(h.person_incidents.get(pid, ()))):
        inc = h.incidents[inc_id]
        if inc.reported_at > ctx.as_of or ctx.stale(inc.reported_at):
            continue
        inc_ref = ref(INC, inc_id)
        if primary_person(inc) == pid:
            _ra_review(ctx, inc, inc_ref)
        for person, role, present in inc.parties:
            if person == pid and role == "child":
                _encompass(ctx, inc, inc_ref, present)


def _ra_review(ctx: _Ctx, inc, inc_ref: str) -> None:
    assessments = [a for a in ctx.h.incident_assessments.get(inc.id, ()) if a[4] <= ctx.as_of]
    crimes = [c for c in inc.crime_ids if ctx.h.crimes[c].recorded_at <= ctx.as_of]
    level = max((final_level(ctx.policy, a[5], a[7])[1] for a in assessments), default=None)
    state, closed, because = OPEN, None, ""
    supervised = sorted(a[8] for a in assessments if ctx.met(a[8]))
    if supervised:
        state, closed, because = MET, supervised[0], "risk assessment supervised"
    elif level == 1 and not crimes:
        state, closed, because = CANCELLED, max(a[4] for a in assessments), \
            "standard risk and no crime recorded"
    ctx.task(TaskSpec(
        key=f"ra_review:{inc_ref}", person_id=ctx.pid, kind="ra_review",
        team="referral_allocation", rule="ra_review", subject=inc_ref,
        reason="Referral & Allocation review of a DA incident",
        starts_at=inc.reported_at,
        due_at=inc.reported_at + timedelta(hours=ctx.policy.ra_review_hours),
        lpa_id=inc.lpa_id, evidence=(inc_ref,) + tuple(ref(RA, a[0]) for a in assessments),
        status=state, closed_at=closed, closed_because=because))


def _encompass(ctx: _Ctx, inc, inc_ref: str, present: bool) -> None:
    policy = ctx.policy
    age = _age(ctx.h.dob.get(ctx.pid), inc.reported_at.date())
    if age is not None and not policy.encompass_age_from <= age <= policy.encompass_age_to:
        return
    note = ctx.h.notifications.get((inc.id, ctx.pid))
    state, closed, because = OPEN, None, ""
    if note and ctx.met(note[1]):
        state, closed = MET, note[1]
        because = ref("encompass.encompassnotification", note[0])
    ctx.task(TaskSpec(
        key=f"encompass:{inc_ref}:{ctx.pid}", person_id=ctx.pid, kind="encompass",
        team="encompass", rule="encompass_notification", subject=inc_ref,
        reason=("Notify the school before the next school day"
                + ("" if present else " (child not present)")),
        starts_at=inc.reported_at, due_at=ctx.school.next_school_day_start(inc.reported_at),
        lpa_id=inc.lpa_id, evidence=(inc_ref,), status=state, closed_at=closed,
        closed_because=because))


# --- protective orders -------------------------------------------------------------------

HEARING_AFTER = {"DVPN": "DVPO", "DAPN": "DAPO"}
NOTIFIED_ORDERS = ("DAPO", "SPO", "ISPO")
CHECKED_ORDERS = ("DVPN", "DVPO")
ORDER_REF = "orders.protectiveorder"


def _order_tasks(ctx: _Ctx) -> None:
    policy = ctx.policy
    for order in ctx.h.orders.get(ctx.pid, ()):
        (oid, pid, kind, lpa, served, hearing, starts_on, ends_on, status, notified,
         _) = order
        o_ref = ref(ORDER_REF, oid)
        start = served or (_start_of(starts_on) if starts_on else None)
        if start is None or start > ctx.as_of:
            continue
        if ctx.stale(start) and (ends_on is None or ctx.stale(_start_of(ends_on))):
            continue
        if kind in HEARING_AFTER:
            following = ctx.h.order_followed.get(oid)
            state, closed, because = OPEN, None, ""
            if ctx.met(hearing):
                state, closed, because = MET, hearing, "hearing recorded"
            elif following and ctx.met(following[1]):
                state, closed, because = MET, following[1], ref(ORDER_REF, following[0])
            elif status in ("discharged", "refused"):
                state, closed, because = CANCELLED, start, f"notice {status}"
            ctx.task(TaskSpec(
                key=f"notice_hearing:{o_ref}", person_id=pid,
                kind=f"{HEARING_AFTER[kind].lower()}_hearing", team="civil_orders",
                rule="notice_hearing", subject=o_ref,
                reason=(f"{HEARING_AFTER[kind]} hearing within {policy.notice_hearing_hours} h "
                        f"of {kind} service (Sundays and holidays not counted)"),
                starts_at=start, due_at=cal.notice_hearing_deadline(
                    start, policy.notice_hearing_hours),
                lpa_id=lpa, evidence=(o_ref,), status=state, closed_at=closed,
                closed_because=because))
        if kind in NOTIFIED_ORDERS and status not in ("refused", "applied"):
            ok = ctx.met(notified)
            ctx.task(TaskSpec(
                key=f"order_notification:{o_ref}", person_id=pid, kind="order_notification",
                team="civil_orders", rule="order_notification", subject=o_ref,
                reason=f"{kind}: subject to notify name and address within "
                       f"{policy.order_notification_days} days",
                starts_at=start, due_at=cal.add_days(start, policy.order_notification_days),
                lpa_id=lpa, evidence=(o_ref,), status=MET if ok else OPEN,
                closed_at=notified if ok else None,
                closed_because="notification recorded" if ok else ""))
        if kind in CHECKED_ORDERS and status not in ("refused", "applied"):
            _weekly_checks(ctx, order, o_ref, start)
        if ends_on is not None and kind not in HEARING_AFTER and status == "live":
            notice = _start_of(ends_on - timedelta(days=policy.order_expiry_notice_days))
            ctx.task(TaskSpec(
                key=f"order_expiry:{o_ref}", person_id=pid, kind="order_expiry",
                team="civil_orders", rule="order_expiry", subject=o_ref,
                reason=f"{kind} ends on {ends_on:%d %b %Y}: review renewal and tell the victim",
                starts_at=min(notice, cal.end_of_day(ends_on)),
                due_at=cal.end_of_day(ends_on), lpa_id=lpa, evidence=(o_ref,)))


def _weekly_checks(ctx: _Ctx, order, o_ref: str, start: datetime) -> None:
    oid, pid, kind, lpa, _, hearing, starts_on, ends_on, status, _, _ = order
    interval = ctx.policy.order_check_interval_days
    if kind == "DVPN":
        following = ctx.h.order_followed.get(oid)
        end = hearing or (following[1] if following else None)
    else:
        end = cal.end_of_day(ends_on) if ends_on else cal.add_days(start, 28)
    if end is None:
        end = ctx.as_of if status == "live" else start
    checks = sorted((c for c in ctx.h.order_checks.get(oid, ()) if ctx.met(c[1])),
                    key=lambda c: c[1])
    used = 0
    week = 1
    if ctx.stale(start):  # skip whole stale weeks of a long-live notice
        week = max(1, (ctx.horizon - CLOCK_SLACK - start).days // interval)
    while True:
        week_start = cal.add_days(start, interval * (week - 1))
        if week_start >= end or week_start > ctx.as_of:
            return
        due = cal.add_days(start, interval * week)
        while used < len(checks) and checks[used][1] <= week_start:
            used += 1
        state, closed, because = OPEN, None, ""
        if used < len(checks):
            state, closed = MET, checks[used][1]
            because = ref("orders.ordercheck", checks[used][0])
            used += 1
        ctx.task(TaskSpec(
            key=f"order_check:{o_ref}:{week}", person_id=pid, kind="order_check",
            team="local_policing", rule="order_weekly_check", subject=o_ref,
            reason=f"Week {week} check of victim and subject while the {kind} is live",
            starts_at=week_start, due_at=due, lpa_id=lpa, evidence=(o_ref,), status=state,
            closed_at=closed, closed_because=because))
        week += 1


# --- Clare's Law -------------------------------------------------------------------------

def _dvds_tasks(ctx: _Ctx) -> None:
    policy = ctx.policy
    for aid, pid, lpa, received, checks_at, decided_at, decision in ctx.h.dvds.get(ctx.pid, ()):
        if received > ctx.as_of or ctx.stale(received):
            continue
        a_ref = ref("disclosure.dvdsapplication", aid)
        ok = ctx.met(checks_at) or ctx.met(decided_at)
        ctx.task(TaskSpec(
            key=f"dvds_checks:{a_ref}", person_id=pid, kind="dvds_initial_checks",
            team="clares_law", rule="dvds_initial_checks", subject=a_ref,
            reason=f"Clare's Law initial checks within {policy.dvds_initial_checks_hours} h",
            starts_at=received,
            due_at=received + timedelta(hours=policy.dvds_initial_checks_hours), lpa_id=lpa,
            evidence=(a_ref,), status=MET if ok else OPEN,
            closed_at=(checks_at if ctx.met(checks_at) else decided_at) if ok else None,
            closed_because="initial checks recorded" if ok else ""))
        done = ctx.met(decided_at)
        ctx.task(TaskSpec(
            key=f"dvds_decision:{a_ref}", person_id=pid, kind="dvds_decision",
            team="clares_law", rule="dvds_decision", subject=a_ref,
            reason=f"Clare's Law decision within {policy.dvds_decision_days} days",
            starts_at=received, due_at=cal.add_days(received, policy.dvds_decision_days),
            lpa_id=lpa, evidence=(a_ref,), status=MET if done else OPEN,
            closed_at=decided_at if done else None,
            closed_because=f"decision: {decision}" if done else ""))


# --- Victims' Code -----------------------------------------------------------------------

UPDATE_EVENTS = {"charged": "charge", "remanded": "charge", "bail_conditions": "bail",
                 "bail": "bail", "rui": "release", "nfa": "release", "caution": "release"}


def _victims_code(ctx: _Ctx) -> None:
    h, policy, pid = ctx.h, ctx.policy, ctx.pid
    for crime_id in sorted(set(h.person_crimes.get(pid, ()))):
        crime = h.crimes[crime_id]
        if not crime.is_da or pid not in crime.victims or crime.recorded_at > ctx.as_of:
            continue
        c_ref = ref(CRIME, crime_id)
        care = h.care.get((pid, crime_id))
        updates = sorted((u for u in h.updates.get(care[0], ()) if ctx.met(u[3])),
                         key=lambda u: u[3]) if care else []
        referred = care[1] if care and ctx.met(care[1]) else None
        if not ctx.stale(crime.recorded_at):
            ctx.task(TaskSpec(
                key=f"vcop_support:{pid}:{c_ref}", person_id=pid,
                kind="vcop_support_referral", team="victim_care", rule="vcop_support_referral",
                subject=c_ref, reason=f"Victims' Code: refer to support within "
                f"{policy.vcop_support_referral_days} days", starts_at=crime.recorded_at,
                due_at=cal.add_days(crime.recorded_at, policy.vcop_support_referral_days),
                lpa_id=crime.lpa_id, evidence=(c_ref,), status=MET if referred else OPEN,
                closed_at=referred,
                closed_because="support referral recorded" if referred else ""))
        for event, at, source_ref in _suspect_events(ctx, crime_id):
            if ctx.stale(at):
                continue
            told = [u for u in updates if u[1] == event and u[3] >= at]
            ctx.task(TaskSpec(
                key=f"vcop_update:{pid}:{source_ref}:{event}", person_id=pid,
                kind="vcop_update", team="victim_care", rule="vcop_update", subject=c_ref,
                reason=f"Victims' Code: tell the victim of the {event} within "
                       f"{policy.vcop_update_working_days} working day",
                starts_at=at, due_at=cal.add_working_days(at, policy.vcop_update_working_days),
                lpa_id=crime.lpa_id, evidence=(c_ref, source_ref),
                status=MET if told else OPEN, closed_at=told[0][3] if told else None,
                closed_because=ref("victims.victimupdate", told[0][0]) if told else ""))
        _monthly_updates(ctx, crime, c_ref, updates)


def _suspect_events(ctx: _Ctx, crime_id: int):
    for aid, arrested, released, disposal, bail_at in ctx.h.arrests.get(crime_id, ()):
        a_ref = ref("incidents.arrest", aid)
        if ctx.met(arrested):
            yield "arrest", arrested, a_ref
        event = UPDATE_EVENTS.get(disposal)
        at = (bail_at or released) if event == "bail" else released
        if event and ctx.met(at):
            yield event, at, a_ref


def _monthly_updates(ctx: _Ctx, crime, c_ref: str, updates) -> None:
    days = ctx.policy.vcop_regular_update_days
    anchors = [(crime.recorded_at, c_ref)] + [(u[3], ref("victims.victimupdate", u[0]))
                                             for u in updates]
    finalised = crime.outcome_at if ctx.met(crime.outcome_at) else None
    for i, (at, anchor_ref) in enumerate(anchors):
        if finalised is not None and finalised <= at:
            return
        if ctx.stale(at):
            continue
        due = cal.add_days(at, days)
        state, closed, because = OPEN, None, ""
        if i + 1 < len(anchors):
            state, closed, because = MET, anchors[i + 1][0], anchors[i + 1][1]
        elif finalised is not None:
            state, closed, because = CANCELLED, finalised, "investigation finalised"
        ctx.task(TaskSpec(
            key=f"vcop_monthly:{ctx.pid}:{anchor_ref}", person_id=ctx.pid, kind="vcop_monthly",
            team="victim_care", rule="vcop_monthly_update", subject=c_ref,
            reason=f"Victims' Code: update the victim at least every {days} days",
            starts_at=at, due_at=due, lpa_id=crime.lpa_id, evidence=(c_ref, anchor_ref),
            status=state, closed_at=closed, closed_because=because))


def evaluate_many(h, as_of: datetime, policy: Policy, school=None, persons=None) -> Result:
    out = Result()
    school = school or cal.default_school_calendar()
    for pid in sorted(h.persons if persons is None else persons):
        r = evaluate(h, pid, as_of, policy, school)
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
