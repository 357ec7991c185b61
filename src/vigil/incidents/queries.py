"""Read side for incidents: which incidents a user may open, and the incident page."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Prefetch, QuerySet

from vigil.core import roles
from vigil.core.record_links import record_tasks, scoped
from vigil.encompass.models import EncompassNotification
from vigil.incidents.models import (
    Arrest,
    Bail,
    Crime,
    CrimeParty,
    Incident,
    IncidentParty,
    OutcomeChange,
)
from vigil.risk.models import RiskAssessment


def visible_incidents(user) -> QuerySet[Incident]:
    """Incidents of the user's LPA (all for force-wide users); none without the capability."""
    if not roles.can(user, roles.VIEW_INCIDENT):
        return Incident.objects.none()
    lpa_ids = roles.area_ids(user)
    if lpa_ids is None:
        return Incident.objects.all()
    return Incident.objects.filter(lpa__in=sorted(lpa_ids))


@dataclass
class IncidentView:
    incident: Incident
    parties: list[IncidentParty]
    crimes: list[Crime]
    risk_assessments: list[RiskAssessment]
    notifications: list[EncompassNotification]
    log_review: object | None
    # Whether party names link to person pages for this user.
    can_open_people: bool


def incident_view(user, incident_id: int) -> IncidentView | None:
    incident = (visible_incidents(user).select_related("lpa", "neighbourhood")
                .filter(pk=incident_id).first())
    if incident is None:
        return None
    parties = list(incident.parties.select_related("person", "school")
                   .order_by("role", "person__surname", "person__forename"))
    crimes = list(
        incident.crimes.select_related("lpa", "outcome__code")
        .prefetch_related(Prefetch("parties",
                                   queryset=CrimeParty.objects.select_related("person")),
                          Prefetch("outcome__changes",
                                   queryset=OutcomeChange.objects.select_related("code")))
        .order_by("recorded_at")
    )
    risk_assessments = list(incident.risk_assessments.select_related("victim")
                            .order_by("assessed_at"))
    notifications = list(incident.encompass_notifications
                         .select_related("child", "school", "local_authority")
                         .order_by("child__surname", "child__forename"))
    try:
        log_review = incident.log_review
    except ObjectDoesNotExist:
        log_review = None
    return IncidentView(incident=incident, parties=parties, crimes=crimes,
                        risk_assessments=risk_assessments, notifications=notifications,
                        log_review=log_review,
                        can_open_people=roles.can(user, roles.VIEW_PERSON))


def incident_exists(incident_id: int) -> bool:
    return Incident.objects.filter(pk=incident_id).exists()


# --- arrests and bail -----------------------------------------------------------

def visible_arrests(user) -> QuerySet[Arrest]:
    """Arrests for a crime of the user's LPA, or for breach of one of its orders."""
    return scoped(user, Arrest.objects.all(), "crime__lpa", "for_breach_of__lpa")


@dataclass
class ArrestView:
    record: Arrest
    bail: Bail | None
    victims: list[CrimeParty]
    tasks: list


def arrest_view(user, pk: int) -> ArrestView | None:
    arrest = (visible_arrests(user)
              .select_related("suspect", "crime__lpa", "crime__incident", "for_breach_of")
              .filter(pk=pk).first())
    if arrest is None:
        return None
    try:
        bail = arrest.bail
    except ObjectDoesNotExist:
        bail = None
    victims = (list(arrest.crime.parties.filter(role="victim").select_related("person"))
               if arrest.crime else [])
    return ArrestView(record=arrest, bail=bail, victims=victims,
                      tasks=record_tasks(user, arrest))
