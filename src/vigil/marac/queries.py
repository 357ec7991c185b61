"""Read side for MARAC, scoped by role and area: referral pages, the coordinator's view,
meetings and the agenda research.

Risk assessments and orders belong to other team apps; they are read by model name
(`apps.get_model`), as core does, so the team apps stay independent.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.apps import apps
from django.core.paginator import Paginator
from django.db.models import Count, Min, Q, QuerySet

from vigil.core import roles
from vigil.core.models import Area
from vigil.core.policy import current as current_policy
from vigil.core.record_links import record_tasks, scoped
from vigil.core.records import human_reference, made_in_vigil_among
from vigil.incidents.models import IncidentParty
from vigil.marac.models import MaracAction, MaracMeeting, MaracReferral, MaracTransfer

ACTIVE = ("withdrawn", "transferred")  # statuses no longer counted at a meeting
CRITERIA_LABELS = (("visible_high_risk", "Visible high risk (14 or more ticks)"),
                   ("professional_judgement", "Professional judgement"),
                   ("potential_escalation", "Potential escalation"),
                   ("repeat_referral", "Repeat referral"))


def visible_referrals(user) -> QuerySet[MaracReferral]:
    return scoped(user, MaracReferral.objects.all(), "lpa")


def visible_meetings(user) -> QuerySet[MaracMeeting]:
    """Meetings of the LPAs whose MARAC queue the user sees."""
    if not roles.can(user, roles.view_queue("marac")):
        return MaracMeeting.objects.none()
    allowed = roles.area_ids(user)
    qs = MaracMeeting.objects.select_related("lpa")
    return qs if allowed is None else qs.filter(lpa_id__in=sorted(allowed))


def visible_lpas(user) -> list[Area]:
    allowed = roles.area_ids(user)
    qs = Area.objects.filter(kind="lpa").order_by("name")
    return list(qs if allowed is None else qs.filter(pk__in=sorted(allowed)))


def criteria_of(ref: MaracReferral) -> list[str]:
    return [label for name, label in CRITERIA_LABELS if getattr(ref, name)]


@dataclass
class ReferralView:
    record: MaracReferral
    criteria: list[str]
    actions: list[MaracAction]
    transfers: list[MaracTransfer]
    tasks: list
    can_work: bool = False
    movements: list[MaracTransfer] = field(default_factory=list)
    all_settled: bool = True
    reference: str = ""  # the force's reference, or when and by whom made in Vigil


def referral_view(user, pk: int) -> ReferralView | None:
    ref = (visible_referrals(user)
           .select_related("lpa", "victim", "perpetrator", "meeting", "risk_assessment__incident")
           .filter(pk=pk).first())
    if ref is None:
        return None
    actions = list(ref.actions.order_by("due_on", "id"))
    moves = list(MaracTransfer.objects.filter(referral__victim__person_id=ref.victim.person_id)
                 .select_related("from_lpa", "to_lpa").order_by("transferred_on", "id")
                 ) if ref.victim.person_id else list(
        ref.transfers.select_related("from_lpa", "to_lpa").order_by("transferred_on"))
    return ReferralView(
        record=ref, criteria=criteria_of(ref), actions=actions,
        transfers=[t for t in moves if t.referral_id == ref.pk],
        tasks=record_tasks(user, ref),
        can_work=roles.can(user, roles.complete_task("marac")),
        movements=moves, all_settled=all(a.settled for a in actions),
        reference=human_reference(ref))


# --- the coordinator's view ----------------------------------------------------------

@dataclass
class Waiting:
    referral: MaracReferral
    days: int
    over_limit: bool
    reference: str = ""


@dataclass
class MeetingLoad:
    meeting: MaracMeeting
    listed: int

    @property
    def room(self) -> int:
        return max(self.meeting.capacity - self.listed, 0)


@dataclass
class Week:
    week_end: date
    awaiting: int
    heard: int
    days_total: int

    @property
    def mean_days(self) -> float | None:
        return round(self.days_total / self.heard, 1) if self.heard else None


@dataclass
class Coordinator:
    lpa: Area
    today: date
    waiting: list[Waiting]
    waiting_page: object  # the Django Page, for pagination
    waiting_total: int
    meetings: list[MeetingLoad]
    overdue: list[MaracAction]
    incoming: list[MaracTransfer]
    weeks: list[Week]
    total_awaiting: int          # the latest week's backlog
    total_heard: int             # cases heard over the weeks shown
    mean_days: float | None      # days to hearing over the weeks shown
    repeat_rate: float | None    # of referrals in the last 12 months
    referrals_year: int
    per_10k: float | None
    policy: object


def awaiting(lpa_id: int) -> QuerySet[MaracReferral]:
    return MaracReferral.objects.filter(lpa_id=lpa_id, status="awaiting", heard_on__isnull=True)


def coordinator(lpa: Area, *, today: date, weeks: int = 8, page: str | int | None = 1,
                per_page: int = 25) -> Coordinator:
    policy = current_policy()
    limit = policy.marac_hearing_limit_days
    waiting_qs = (awaiting(lpa.pk).select_related("victim", "meeting")
                  .order_by("referred_on", "id"))
    waiting_page = Paginator(waiting_qs, per_page).get_page(page)
    made = made_in_vigil_among(MaracReferral, waiting_page)
    waiting = [Waiting(r, (today - r.referred_on).days, (today - r.referred_on).days > limit,
                       human_reference(r, made)) for r in waiting_page]
    upcoming = list(MaracMeeting.objects.filter(lpa=lpa, held_on__gte=today)
                    .order_by("held_on")[:6])
    listed = loads(m.pk for m in upcoming)
    overdue = list(overdue_actions([lpa.pk], today)[:25])
    incoming = list(MaracTransfer.objects.filter(to_lpa=lpa, received_as__isnull=True)
                    .select_related("from_lpa", "referral__victim").order_by("transferred_on"))
    ends = [today - timedelta(days=7 * i) for i in reversed(range(weeks))]
    table = weekly(lpa.pk, ends)
    n, repeats = repeat_counts(lpa.pk, today, policy)
    heard = sum(w.heard for w in table)
    return Coordinator(
        lpa=lpa, today=today, waiting=waiting, waiting_page=waiting_page,
        waiting_total=waiting_page.paginator.count,
        meetings=[MeetingLoad(m, listed.get(m.pk, 0)) for m in upcoming], overdue=overdue,
        incoming=incoming, weeks=table, total_awaiting=table[-1].awaiting if table else 0,
        total_heard=heard,
        mean_days=round(sum(w.days_total for w in table) / heard, 1) if heard else None,
        repeat_rate=round(100 * repeats / n, 1) if n else None, referrals_year=n,
        per_10k=round(10_000 * n / lpa.adult_women, 1) if lpa.adult_women else None,
        policy=policy)


def repeat_counts(lpa_id: int, today: date, policy) -> tuple[int, int]:
    """Referrals to the LPA in the 12 months to `today`, and how many are repeats by the
    rules' own answer (an earlier referral of the same person, anywhere in the force,
    within the repeat window), not by an imported flag. An unlinked victim record is
    only itself, as in the snapshot's person keys (the marac_repeat_rate KPI)."""
    from vigil.marac.rules import repeat_of

    year_ago = today - timedelta(days=365)
    window = policy.marac_repeat_window_days
    cols = ("victim_id", "victim__person_id", "referred_on")
    mine = list(MaracReferral.objects.filter(lpa_id=lpa_id, referred_on__gt=year_ago,
                                             referred_on__lte=today)
                .exclude(status="proposed").values_list(*cols))
    pids = {p for _, p, _ in mine if p is not None}
    unlinked = {v for v, p, _ in mine if p is None}
    earlier = defaultdict(list)
    for v, pid, on in (MaracReferral.objects
                       .filter(Q(victim__person_id__in=pids) | Q(victim_id__in=unlinked),
                               referred_on__gt=year_ago - timedelta(days=window),
                               referred_on__lte=today)
                       .exclude(status="proposed").values_list(*cols)):
        earlier[pid if pid is not None else ("r", v)].append(on)
    repeats = sum(1 for v, pid, on in mine
                  if repeat_of(earlier[pid if pid is not None else ("r", v)], on, window))
    return len(mine), repeats


@dataclass
class SeedTable:
    """Seed 003's layout: LPAs by week, cases awaiting and days to hearing, with totals."""
    weeks: list[date]
    rows: list[tuple[Area, list[Week]]]
    totals: list[Week]


def seed_table(lpas: list[Area], ends: list[date]) -> SeedTable:
    by_lpa = _weekly_rows([a.pk for a in lpas], ends)
    rows = [(a, _weeks(by_lpa.get(a.pk, []), ends)) for a in lpas]
    totals = [Week(end, sum(r[1][i].awaiting for r in rows), sum(r[1][i].heard for r in rows),
                   sum(r[1][i].days_total for r in rows)) for i, end in enumerate(ends)]
    return SeedTable(ends, rows, totals)


def _weekly_rows(lpa_ids: list[int], ends: list[date]) -> dict[int, list]:
    """(referred, heard, stopped waiting) per LPA for the weeks shown. A withdrawn case
    waited until its withdrawal date and a transferred one until it was transferred out
    (as the marac_backlog KPI); proposed referrals are not cases yet."""
    if not ends:
        return {}
    first = ends[0] - timedelta(days=6)
    out_on = dict(MaracTransfer.objects.filter(referral__lpa_id__in=lpa_ids,
                                               referral__status="transferred",
                                               from_lpa__isnull=False)
                  .values("referral").annotate(on=Min("transferred_on"))
                  .values_list("referral", "on"))
    out = defaultdict(list)
    for pk, lpa_id, status, r, h, w in (
            MaracReferral.objects.filter(lpa_id__in=lpa_ids, referred_on__lte=ends[-1])
            .exclude(status="proposed").exclude(status="withdrawn", withdrawn_on__lt=first)
            .filter(Q(heard_on__isnull=True) | Q(heard_on__gte=first))
            .values_list("pk", "lpa_id", "status", "referred_on", "heard_on", "withdrawn_on")):
        ended = {"withdrawn": w, "transferred": out_on.get(pk)}.get(status, date.max)
        if ended is not None:  # a withdrawal with no date: never counted, as the KPI
            out[lpa_id].append((r, h, ended))
    return out


def weekly(lpa_id: int, ends: list[date]) -> list[Week]:
    """Seed 003's table, live: cases awaiting at each week's end, and the days from
    referral to hearing of the cases heard that week (as the KPIs count them)."""
    return _weeks(_weekly_rows([lpa_id], ends).get(lpa_id, []), ends)


def _weeks(rows: list, ends: list[date]) -> list[Week]:
    out = []
    for end in ends:
        start = end - timedelta(days=6)
        waiting = sum(1 for r, h, e in rows if r <= end and (h is None or h > end) and e > end)
        heard = [(h - r).days for r, h, _ in rows if h is not None and start <= h <= end]
        out.append(Week(end, waiting, len(heard), sum(heard)))
    return out


def overdue_actions(lpa_ids, today: date) -> QuerySet[MaracAction]:
    return (MaracAction.objects.filter(referral__lpa_id__in=lpa_ids, completed_on__isnull=True,
                                       carried_on__isnull=True, due_on__lt=today)
            .select_related("referral__victim").order_by("due_on", "id"))


def declined(user):
    """Proposed referrals the coordinator decided not to make, for supervisors to review."""
    task = apps.get_model("safeguarding", "Task")
    qs = task.objects.filter(kind="marac_referral", status="done",
                             outcome__startswith="Decision not to refer")
    allowed = roles.area_ids(user)
    if allowed is not None:
        qs = qs.filter(lpa_id__in=sorted(allowed))
    return qs.select_related("person", "completed_by", "lpa").order_by("-completed_at", "-id")


# --- meetings and the agenda ------------------------------------------------------

SECTIONS = ("history", "risk", "orders", "previous_marac", "children", "actions")


@dataclass
class Research:
    referral: MaracReferral
    sections: tuple[str, ...]
    criteria: list = field(default_factory=list)
    history: list = field(default_factory=list)       # (reported_at, reference, grade, role)
    incidents_12m: int = 0
    risk: object | None = None
    orders: list = field(default_factory=list)
    previous: list = field(default_factory=list)      # earlier referrals
    children: list = field(default_factory=list)      # (name, date of birth)
    open_actions: list = field(default_factory=list)  # from earlier MARACs, not settled
    reference: str = ""  # the force's reference, or when and by whom made in Vigil


@dataclass
class Agenda:
    meeting: MaracMeeting
    cases: list[Research]
    overdue: list[MaracAction]
    policy: object


def agenda(meeting: MaracMeeting, *, today: date) -> Agenda:
    """The research a coordinator gathers for each case, in a fixed number of queries.

    Each case carries only the sections its information-sharing basis allows: all of
    them with consent, `policy.marac_sections_without_consent` without."""
    policy = current_policy()
    cases = list(meeting.cases.exclude(status__in=ACTIVE)
                 .select_related("victim", "perpetrator", "lpa").order_by("referred_on", "id"))
    pids = {c.victim.person_id for c in cases if c.victim.person_id}
    sr = defaultdict(set)
    for rid, pid in apps.get_model("people", "SourceRecord").objects.filter(
            person_id__in=pids).values_list("id", "person_id"):
        sr[pid].add(rid)
    all_sr = {i for s in sr.values() for i in s}
    sr_person = {i: p for p, s in sr.items() for i in s}
    # Linked history: the incidents each victim is a party to.
    history = defaultdict(list)
    incident_ids = defaultdict(set)
    for inc_id, person, reported, ref_no, grade, role in (
            IncidentParty.objects.filter(person_id__in=all_sr)
            .values_list("incident_id", "person_id", "incident__reported_at",
                         "incident__reference", "incident__grade", "role")
            .order_by("-incident__reported_at")):
        pid = sr_person[person]
        if inc_id not in incident_ids[pid]:
            incident_ids[pid].add(inc_id)
            history[pid].append((reported, ref_no, grade, role))
    # Children: child parties of those incidents.
    children = defaultdict(dict)
    inc_person = {i: p for p, ids in incident_ids.items() for i in ids}
    for inc_id, cpid, fore, sur, dob, rid in (
            IncidentParty.objects.filter(incident_id__in=list(inc_person), role="child")
            .values_list("incident_id", "person__person_id", "person__forename",
                         "person__surname", "person__date_of_birth", "person_id")):
        children[inc_person[inc_id]].setdefault(cpid or ("r", rid), (f"{fore} {sur}", dob))
    # Risk: the latest assessment of each victim.
    risk = {}
    ra = apps.get_model("risk", "RiskAssessment")
    for a in (ra.objects.filter(victim_id__in=all_sr).select_related("victim")
              .order_by("assessed_at", "id")):
        risk[a.victim.person_id] = a
    # Orders: live orders protecting the victim, or against them.
    order = apps.get_model("orders", "ProtectiveOrder")
    orders = defaultdict(list)
    for o in (order.objects.filter(Q(protected_persons__person_id__in=all_sr)
                                   | Q(subject_id__in=all_sr), status="live")
              .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
              .select_related("subject").prefetch_related("protected_persons").distinct()):
        touched = {sr_person.get(p.person_id) for p in o.protected_persons.all()}
        touched.add(sr_person.get(o.subject_id))
        for pid in touched - {None}:
            orders[pid].append(o)
    # Previous MARACs and their unsettled actions.
    previous = defaultdict(list)
    earlier = list(MaracReferral.objects.filter(victim__person_id__in=pids)
                   .exclude(pk__in=[c.pk for c in cases]).exclude(status="proposed")
                   .select_related("lpa", "victim").order_by("-referred_on"))
    for r in earlier:
        previous[r.victim.person_id].append(r)
    open_actions = defaultdict(list)
    for a in (MaracAction.objects.filter(referral_id__in=[r.pk for r in earlier],
                                         completed_on__isnull=True, carried_on__isnull=True)
              .select_related("referral__victim").order_by("due_on")):
        open_actions[a.referral.victim.person_id].append(a)
    year_ago = today - timedelta(days=365)
    made = made_in_vigil_among(MaracReferral, cases)
    out = []
    for c in cases:
        pid = c.victim.person_id
        # Unrecorded basis (an older import): shared as without consent, the minimum.
        consent = c.sharing_basis == "consent"
        sections = SECTIONS if consent else tuple(policy.marac_sections_without_consent)
        hist = history.get(pid, [])
        out.append(Research(
            referral=c, sections=sections, criteria=criteria_of(c),
            history=hist[:8] if "history" in sections else [],
            incidents_12m=sum(1 for h in hist if h[0].date() > year_ago),
            risk=risk.get(pid) if "risk" in sections else None,
            orders=orders.get(pid, []) if "orders" in sections else [],
            previous=[r for r in previous.get(pid, []) if r.referred_on <= c.referred_on]
            if "previous_marac" in sections else [],
            children=sorted(children.get(pid, {}).values(), key=lambda x: x[0])
            if "children" in sections else [],
            open_actions=open_actions.get(pid, []) if "actions" in sections else [],
            reference=human_reference(c, made)))
    overdue = list(overdue_actions([meeting.lpa_id], today)[:50])
    return Agenda(meeting=meeting, cases=out, overdue=overdue, policy=policy)


def loads(meeting_ids) -> dict[int, int]:
    """Cases listed at each meeting (withdrawn and transferred ones no longer count)."""
    return dict(MaracReferral.objects.filter(meeting_id__in=list(meeting_ids))
                .exclude(status__in=ACTIVE).values("meeting")
                .annotate(n=Count("id")).values_list("meeting", "n"))
