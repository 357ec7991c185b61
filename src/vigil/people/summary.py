"""The summary at the top of the person page: what an officer needs before the timeline.

Current risk and the DASH behind it, live orders, MARAC status and next hearing,
the other parties and children, open tasks, and flags with their evidence as links.
Risk, orders and MARAC come from the records the timeline already read
(PersonView.seen); parties, tasks and flags cost one query each, plus one per kind
of evidence record.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Q

from vigil.core import record_links as records
from vigil.core import roles
from vigil.incidents.models import CrimeParty, IncidentParty
from vigil.people.queries import PersonView
from vigil.safeguarding.models import Task
from vigil.safeguarding.queries import person_flags

MAX_PARTIES = 12


@dataclass
class Party:
    person_id: int | None
    name: str
    roles: set[str] = field(default_factory=set)
    times: int = 0
    last_seen: datetime | None = None
    is_child: bool = False


@dataclass
class LiveOrder:
    order: object
    against: bool  # against this person (else protecting them)
    url: str


@dataclass
class Summary:
    risk: object | None                     # the latest DASH (RiskAssessment) as victim
    orders: list[LiveOrder]
    marac: object | None                    # the latest referral
    marac_role: str
    next_hearing: object | None             # a date, when listed and not yet heard
    marac_url: str
    parties: list[Party]
    children: list[Party]
    tasks: list[Task]
    task_links: dict[str, records.RecordLink]
    flags: list
    evidence: dict[str, records.RecordLink]


def summary(user, view: PersonView, *, as_of: datetime) -> Summary:
    seen = view.seen
    risk = max(seen.get("risk", []), key=lambda ra: (ra.assessed_at, ra.pk), default=None)
    today = as_of.date()
    allowed = roles.area_ids(user)

    def url(name: str, pk: int, lpa_id: int | None) -> str:
        if not roles.can(user, records.CAPABILITY) or (
                allowed is not None and lpa_id not in allowed):
            return ""
        from django.urls import reverse

        return reverse(name, args=[pk])

    orders = [LiveOrder(o, own, url("orders:detail", o.pk, o.lpa_id))
              for o, own in seen.get("orders", [])
              if o.status == "live" and (o.ends_on is None or o.ends_on >= today)]
    orders.sort(key=lambda lo: (lo.order.ends_on is None, lo.order.ends_on), reverse=True)
    marac, marac_role = max(seen.get("marac", []), key=lambda r: (r[0].referred_on, r[0].pk),
                            default=(None, ""))
    next_hearing = None
    if marac is not None and not marac.heard_on and marac.meeting is not None \
            and marac.meeting.held_on >= today:
        next_hearing = marac.meeting.held_on
    parties, children = _parties(view.sr_ids)
    tasks = _open_tasks(user, view.person.pk)
    flags = person_flags(view.person.pk, as_of=as_of)
    refs = {e for f in flags for e in f.evidence} | {t.subject for t in tasks}
    links = records.record_links(refs, user)
    return Summary(risk=risk, orders=orders, marac=marac, marac_role=marac_role,
                   next_hearing=next_hearing,
                   marac_url=url("marac:referral", marac.pk, marac.lpa_id) if marac else "",
                   parties=parties, children=children, tasks=tasks, task_links=links,
                   flags=flags, evidence=links)


def _parties(sr_ids: list[int]) -> tuple[list[Party], list[Party]]:
    """The other people in this person's incidents and crimes, most often seen first;
    children apart."""
    if not sr_ids:
        return [], []
    by_person: dict[object, Party] = {}
    for model, parent, when in ((IncidentParty, "incident", "reported_at"),
                                (CrimeParty, "crime", "recorded_at")):
        mine = model.objects.filter(person__in=sr_ids).values(parent)
        rows = (model.objects.filter(**{f"{parent}__in": mine})
                .exclude(person__in=sr_ids)
                .values_list("person__person_id", "person__forename", "person__surname",
                             "role", f"{parent}__{when}"))
        for pid, fore, sur, role, at in rows:
            key = pid or (fore, sur)
            party = by_person.setdefault(key, Party(pid, f"{fore} {sur}"))
            party.roles.add(dict(model._meta.get_field("role").choices).get(role, role))
            party.times += 1
            party.is_child |= role == "child"
            if party.last_seen is None or at > party.last_seen:
                party.last_seen = at
    ranked = sorted(by_person.values(), key=lambda p: (p.times, p.last_seen), reverse=True)
    return ([p for p in ranked if not p.is_child][:MAX_PARTIES],
            [p for p in ranked if p.is_child][:MAX_PARTIES])


def _open_tasks(user, person_id: int) -> list[Task]:
    """Open tasks about this person in the user's area (every team's: who else is on it)."""
    qs = Task.objects.filter(person_id=person_id, status=Task.Status.OPEN)
    allowed = roles.area_ids(user)
    if allowed is not None:
        qs = qs.filter(Q(lpa_id__in=sorted(allowed)) | Q(lpa__isnull=True))
    return list(qs.order_by("due_at")[:20])
