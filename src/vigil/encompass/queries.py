"""Read side for Operation Encompass and children's social care: scope, pages, triage."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import QuerySet

from vigil.core import roles
from vigil.core.models import Area
from vigil.core.record_links import record_tasks, scoped
from vigil.encompass.models import ChildScreening, EncompassNotification
from vigil.safeguarding.models import Task


def visible_notifications(user) -> QuerySet[EncompassNotification]:
    return scoped(user, EncompassNotification.objects.all(), "local_authority",
                  "incident__lpa")


def visible_screenings(user) -> QuerySet[ChildScreening]:
    return scoped(user, ChildScreening.objects.all(), "local_authority")


@dataclass
class NotificationView:
    record: EncompassNotification
    tasks: list
    address: str = ""
    why_not: str = ""
    can_send: bool = False
    email: object = None


def notification_view(user, pk: int) -> NotificationView | None:
    from vigil.encompass.services import recipient

    n = (visible_notifications(user)
         .select_related("incident", "child", "school", "local_authority", "email")
         .filter(pk=pk).first())
    if n is None:
        return None
    view = NotificationView(record=n, tasks=child_tasks(user, n), email=n.email)
    if n.body and not n.notified_at and (not n.queued_at or n.state == "failed"):
        view.address, view.why_not = recipient(n)
        view.can_send = (roles.can(user, roles.complete_task("encompass"))
                         and roles.in_scope(user, [n.incident.lpa_id]))
    return view


def child_tasks(user, n: EncompassNotification) -> list:
    """The notification task of this child on this incident (its subject is the incident)."""
    qs = Task.objects.filter(kind="encompass", subject=f"incidents.incident:{n.incident_id}",
                             person_id=n.child.person_id, team__in=roles.teams_for(user))
    allowed = roles.area_ids(user)
    if allowed is not None:
        qs = qs.filter(lpa_id__in=sorted(allowed))
    return list(qs.order_by("-due_at")[:5])


@dataclass
class ScreeningView:
    record: ChildScreening
    tasks: list
    children: list = field(default_factory=list)


def screening_view(user, pk: int) -> ScreeningView | None:
    s = (visible_screenings(user).select_related("incident", "local_authority",
                                                 "referral_email")
         .filter(pk=pk).first())
    if s is None:
        return None
    children = list(s.incident.parties.filter(role="child").select_related("person", "school"))
    return ScreeningView(record=s, tasks=record_tasks(user, s), children=children)


# --- daily triage -----------------------------------------------------------------------

def triage_areas(user) -> QuerySet[Area]:
    areas = Area.objects.filter(kind=Area.Kind.LPA).order_by("name")
    allowed = roles.area_ids(user)
    return areas if allowed is None else areas.filter(id__in=sorted(allowed))


def still_to_notify(user, lpa_id: int | None = None) -> QuerySet[Task]:
    """Open Encompass tasks (children still to notify) the user may see, earliest
    deadline first; one local authority's when `lpa_id` is given."""
    qs = Task.objects.filter(kind="encompass", status=Task.Status.OPEN,
                             team__in=roles.teams_for(user)).select_related("lpa", "person",
                                                                            "claimed_by")
    allowed = roles.area_ids(user)
    if allowed is not None:
        qs = qs.filter(lpa_id__in=sorted(allowed))
    if lpa_id is not None:
        qs = qs.filter(lpa_id=lpa_id)
    return qs.order_by("due_at", "id")


def triage_rows(tasks) -> list[dict]:
    """Each task with its child's school (from the incident) and its notification's state."""
    from vigil.incidents.models import IncidentParty

    incident_ids = {int(t.subject.partition(":")[2]) for t in tasks
                    if t.subject.startswith("incidents.incident:")}
    parties = {}
    for p in (IncidentParty.objects.filter(incident_id__in=incident_ids, role="child")
              .select_related("person", "school", "school__local_authority", "incident")):
        parties[(p.incident_id, p.person.person_id)] = p
    notes = {(n.incident_id, n.child.person_id): n for n in
             EncompassNotification.objects.filter(incident_id__in=incident_ids)
             .select_related("child", "email", "school")}
    rows = []
    for t in tasks:
        inc_id = int(t.subject.partition(":")[2]) if ":" in t.subject else None
        party = parties.get((inc_id, t.person_id))
        rows.append({"task": t, "party": party, "incident": party.incident if party else None,
                     "note": notes.get((inc_id, t.person_id))})
    return rows


def triage_counts(user) -> list[dict]:
    """Per local authority: children still to notify, and of them overdue."""
    from django.db.models import Count, Q
    from django.utils import timezone

    now = timezone.now()
    counts = {r["lpa_id"]: r for r in still_to_notify(user).order_by().values("lpa_id").annotate(
        open=Count("id"), overdue=Count("id", filter=Q(due_at__lt=now)))}
    return [{"area": a, "open": counts.get(a.pk, {}).get("open", 0),
             "overdue": counts.get(a.pk, {}).get("overdue", 0)} for a in triage_areas(user)]
