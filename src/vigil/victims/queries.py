"""Read side for the Victims' Code: the victims a user may open, a victim's Victims' Code
record for a crime (with each update's timeliness), and the supervisor's compliance view."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from vigil.core import calendar as cal
from vigil.core import roles
from vigil.core.models import Area
from vigil.core.policy import current
from vigil.incidents.models import Bail, Crime, CrimeParty
from vigil.people.models import SourceRecord
from vigil.safeguarding.models import Task
from vigil.victims.models import VictimCare, VictimUpdate
from vigil.victims.services import CONTACT_EVERY, CONTACT_METHODS, NEEDS

TEAM = "victim_care"
KINDS = {"vcop_update": "Updates within a working day of arrest, bail, release or charge",
         "vcop_support_referral": "Support referral within 2 days",
         "vcop_monthly": "Regular (monthly) updates"}


def _in_area(user, qs: QuerySet, path: str) -> QuerySet:
    allowed = roles.area_ids(user)
    return qs if allowed is None else qs.filter(**{f"{path}__in": sorted(allowed)})


def visible_victims(user) -> QuerySet[CrimeParty]:
    """Victims of DA crimes in the user's area, newest crime first."""
    if not roles.can(user, roles.view_queue(TEAM)):
        return CrimeParty.objects.none()
    qs = CrimeParty.objects.filter(role="victim", crime__is_domestic_abuse=True)
    return _in_area(user, qs, "crime__lpa_id").select_related(
        "crime", "crime__lpa", "person").order_by("-crime__recorded_at", "-id")


def cares_for(parties) -> dict[tuple[int, int], VictimCare]:
    """(person id, crime id) -> the Victims' Code record, for a page of victims."""
    parties = list(parties)
    crimes = {p.crime_id for p in parties}
    out = {}
    for care in VictimCare.objects.filter(crime_id__in=crimes).select_related("victim"):
        out[(care.victim.person_id, care.crime_id)] = care
    return out


@dataclass
class UpdateRow:
    update: VictimUpdate
    due_at: datetime | None
    on_time: bool | None


@dataclass
class CareView:
    crime: Crime
    victim: SourceRecord
    care: VictimCare | None
    updates: list[UpdateRow]
    tasks: list
    needs: list[str] = field(default_factory=list)
    contact: str = ""


def update_due(update: VictimUpdate, previous_told: datetime | None, recorded_at: datetime,
               policy=None) -> datetime | None:
    """When an update was due: a working day after the event it is about, or the regular
    interval after the previous update (or the crime's recording) for a monthly one."""
    policy = policy or current()
    if update.reason == VictimUpdate.Reason.MONTHLY:
        return cal.add_days(previous_told or recorded_at, policy.vcop_regular_update_days)
    if update.event_at is not None:
        return cal.add_working_days(update.event_at, policy.vcop_update_working_days)
    return None


def care_view(user, crime_pk: int, person_pk: int) -> CareView | None:
    crime = _in_area(user, Crime.objects.filter(pk=crime_pk, is_domestic_abuse=True),
                     "lpa_id").select_related("lpa").first()
    if crime is None or not roles.can(user, roles.view_queue(TEAM)):
        return None
    party = crime.parties.filter(role="victim", person__person_id=person_pk).select_related(
        "person").first()
    if party is None:
        return None
    care = VictimCare.objects.filter(crime=crime, victim__person_id=person_pk).first()
    rows, previous = [], None
    for u in (care.updates.order_by("told_at") if care else []):
        due = update_due(u, previous, crime.recorded_at)
        rows.append(UpdateRow(u, due, None if due is None else u.told_at <= due))
        previous = u.told_at
    tasks = Task.objects.filter(subject=f"incidents.crime:{crime.pk}", team=TEAM,
                                person_id=person_pk).order_by("status", "due_at")[:20]
    needs = dict(NEEDS)
    return CareView(
        crime=crime, victim=party.person, care=care, updates=rows,
        tasks=sorted(tasks, key=lambda t: (t.status != "open", t.due_at)),
        needs=[needs.get(n, n) for n in (care.needs.split(",") if care and care.needs
                                         else [])],
        contact=(f"{dict(CONTACT_METHODS).get(care.contact_method, care.contact_method)}, "
                 f"{dict(CONTACT_EVERY).get(care.contact_every_days, '').lower()}"
                 if care and care.contact_method else ""))


# --- the supervisor's view ---------------------------------------------------------------

@dataclass
class Measure:
    due: int = 0
    on_time: int = 0
    late: int = 0
    open_overdue: int = 0

    @property
    def share(self) -> int | None:
        return round(100 * self.on_time / self.due) if self.due else None


@dataclass
class TeamRow:
    area: Area
    measures: dict[str, Measure]
    victims: int = 0
    needs_assessed: int = 0
    contact_plans: int = 0
    bail_with_conditions: int = 0
    bail_views: int = 0

    @staticmethod
    def pct(num: int, den: int) -> int | None:
        return round(100 * num / den) if den else None

    @property
    def needs_share(self):
        return self.pct(self.needs_assessed, self.victims)

    @property
    def contact_share(self):
        return self.pct(self.contact_plans, self.victims)

    @property
    def bail_share(self):
        return self.pct(self.bail_views, self.bail_with_conditions)


def compliance(user, days: int, now: datetime | None = None) -> list[TeamRow]:
    """Each victim care team's (an LPA's) Victims' Code compliance over the last `days`:
    the duties that fell due (the rules' own first due time, whatever was rescheduled),
    how many were met by then, how many are still open and overdue; needs assessments
    and contact plans for the DA crimes recorded; the victim's views on bail conditions."""
    now = now or timezone.now()
    since = now - timedelta(days=days)
    areas = _in_area(user, Area.objects.filter(kind="lpa"), "pk").order_by("name")
    rows = {a.pk: TeamRow(a, {k: Measure() for k in KINDS}) for a in areas}
    tasks = Task.objects.filter(team=TEAM, kind__in=list(KINDS), lpa_id__in=list(rows)).filter(
        Q(original_due_at__gte=since, original_due_at__lte=now)
        | Q(original_due_at__isnull=True, due_at__gte=since, due_at__lte=now)
        | Q(completed_at__gte=since, completed_at__lte=now)
    ).exclude(status="cancelled").values_list("lpa_id", "kind", "status", "due_at",
                                              "original_due_at", "completed_at")
    for lpa_id, kind, status, due_at, original, completed in tasks:
        m = rows[lpa_id].measures[kind]
        first_due = original or due_at
        # A duty counts once its time has come, or earlier when it was already met in
        # time (as the KPIs count): one not yet due and not yet done is undecided.
        if first_due > now and not (completed is not None and completed <= first_due):
            continue
        m.due += 1
        if completed is not None and completed <= first_due:
            m.on_time += 1
        elif status == "open":
            m.open_overdue += 1
        else:
            m.late += 1
    for party in CrimeParty.objects.filter(
            role="victim", crime__is_domestic_abuse=True, crime__lpa_id__in=list(rows),
            crime__recorded_at__gte=since, crime__recorded_at__lte=now).values_list(
            "crime__lpa_id", "crime_id", "person__person_id"):
        rows[party[0]].victims += 1
    for lpa_id, needs_at, plan_at in VictimCare.objects.filter(
            crime__lpa_id__in=list(rows), crime__is_domestic_abuse=True,
            crime__recorded_at__gte=since, crime__recorded_at__lte=now).values_list(
            "crime__lpa_id", "needs_assessed_at", "contact_plan_at"):
        rows[lpa_id].needs_assessed += needs_at is not None
        rows[lpa_id].contact_plans += plan_at is not None
    for lpa_id, views in Bail.objects.filter(
            arrest__crime__lpa_id__in=list(rows), arrest__crime__is_domestic_abuse=True,
            granted_at__gte=since, granted_at__lte=now).filter(
            Q(arrest__disposal="bail_conditions") | ~Q(conditions="")).values_list(
            "arrest__crime__lpa_id", "victim_views_captured"):
        rows[lpa_id].bail_with_conditions += 1
        rows[lpa_id].bail_views += bool(views)
    return list(rows.values())
