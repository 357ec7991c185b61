"""Builders for the records a person page shows, beyond tests/factories.py."""

from __future__ import annotations

import itertools
from datetime import date

from tests.factories import at, make_crime, make_incident, make_person

_seq = itertools.count(1)


def _n() -> int:
    return next(_seq)


def make_risk(victim, assessed_at, *, incident=None, crime=None, yes=15, level=3,
              final_set_by="DS Patel", supervisor="DS Patel", officer="PC Jones"):
    from vigil.risk.models import RiskAssessment

    return RiskAssessment.objects.create(
        source_system="DASH", source_id=f"RA{_n()}", instrument="DASH27", victim=victim,
        incident=incident, crime=crime, assessed_at=assessed_at, officer=officer,
        yes_count=yes, actuarial_level=level, officer_level=level, supervisor=supervisor,
        supervised_at=assessed_at if supervisor else None,
        supervisor_level=level if supervisor else None,
        final_level=level, final_set_by=final_set_by)


def make_order(subject, lpa, served_at, *, protected=(), order_type="DVPO", status="live",
               starts_on=None, ends_on=None, conditions=()):
    from vigil.orders.models import OrderCondition, ProtectedPerson, ProtectiveOrder

    order = ProtectiveOrder.objects.create(
        source_system="ORDERS", source_id=f"O{_n()}", order_type=order_type, subject=subject,
        subject_age=35, lpa=lpa, served_at=served_at, starts_on=starts_on, ends_on=ends_on,
        status=status, court="Birmingham Magistrates")
    for person in protected:
        ProtectedPerson.objects.create(order=order, person=person)
    for number, text in enumerate(conditions, start=1):
        OrderCondition.objects.create(order=order, number=number, kind="no_contact", text=text)
    return order


def make_marac(victim, lpa, referred_on: date, *, heard_on=None, perpetrator=None):
    from vigil.marac.models import MaracReferral

    return MaracReferral.objects.create(
        source_system="MARAC", source_id=f"M{_n()}", victim=victim, perpetrator=perpetrator,
        lpa=lpa, referred_on=referred_on, visible_high_risk=True,
        status="heard" if heard_on else "awaiting", heard_on=heard_on)


def make_outcome(crime, code="1", outcome_at=None):
    from vigil.incidents.models import Outcome, OutcomeCode

    oc, _ = OutcomeCode.objects.get_or_create(code=code, defaults={
        "label": "Charged or summonsed", "group": "Charge/summons"})
    return Outcome.objects.create(source_system="CONNECT", source_id=f"OUT{_n()}", crime=crime,
                                  code=oc, outcome_at=outcome_at or crime.recorded_at)


def make_arrest(suspect, crime, arrested_at, *, disposal="bail_conditions", bail=True):
    from vigil.incidents.models import Arrest, Bail

    arrest = Arrest.objects.create(source_system="CUSTODY", source_id=f"A{_n()}",
                                   suspect=suspect, crime=crime, arrested_at=arrested_at,
                                   disposal=disposal)
    if bail:
        Bail.objects.create(source_system="CUSTODY", source_id=f"B{_n()}", arrest=arrest,
                            granted_at=arrested_at, conditions="Not to contact the victim",
                            victim_views_captured=True)
    return arrest


def make_encompass(incident, child, school=None, *, notified_at=None):
    from vigil.encompass.models import EncompassNotification

    return EncompassNotification.objects.create(
        source_system="ENCOMPASS", source_id=f"E{_n()}", incident=incident, child=child,
        school=school, local_authority=incident.lpa, child_present=True,
        circumstances="Verbal argument", notified_at=notified_at, notified_by="PC Shah")


def make_screening(incident, decision="no_referral"):
    from vigil.encompass.models import ChildScreening

    return ChildScreening.objects.create(
        source_system="MASH", source_id=f"S{_n()}", incident=incident,
        local_authority=incident.lpa, screened_at=incident.reported_at, decision=decision,
        reasons="Verbal argument; children asleep")


def make_dvds(person_at_risk, subject, lpa, received_at):
    from vigil.disclosure.models import DvdsApplication

    return DvdsApplication.objects.create(
        source_system="DVDS", source_id=f"D{_n()}", route="ask", applicant_type="partner",
        person_at_risk=person_at_risk, subject=subject, lpa=lpa, received_at=received_at)


def make_victim_care(victim, crime, needs_assessed_at):
    from vigil.victims.models import VictimCare

    return VictimCare.objects.create(source_system="VCOP", source_id=f"V{_n()}", victim=victim,
                                     crime=crime, needs_assessed_at=needs_assessed_at,
                                     contact_plan="Phone, weekly")


def make_vulnerability(subject, recorded_on: date, factor="pregnancy"):
    from vigil.people.models import Vulnerability

    return Vulnerability.objects.create(source_system="CONNECT", source_id=f"VU{_n()}",
                                        subject=subject, factor=factor,
                                        recorded_on=recorded_on, source="victim")


def make_log_review(incident, reviewed_at):
    from vigil.controlroom.models import LogReview

    return LogReview.objects.create(
        source_system="CONTROL", source_id=f"LR{_n()}", incident=incident,
        reviewed_at=reviewed_at, reviewer="DA specialist Khan", feedback="direct",
        reassurance_given=True, asked_support_services=False, children_identified=True,
        key_risk_factors_asked=True, victim_blaming_language=False)


def victim_with_history(areas, *, lpa="BHM"):
    """A victim known to two systems as slightly different records of one person.

    CONTROL holds "Jane Smith" (incidents); CONNECT holds "Jayne Smith" (crimes, DASH,
    orders). Returns (person, control_record, connect_record, suspect, records) where
    records names what was built.
    """
    area = areas[lpa]
    control = make_person(surname="Smith", forename="Jane", system="CONTROL",
                          address="1 High Street", phone="07700 900001")
    connect = make_person(surname="Smith", forename="Jayne", system="CONNECT",
                          person=control.person, address="1 High St",
                          phone="07700900001")
    suspect = make_person(surname="Brown", forename="Mark", dob=date(1985, 5, 5))
    child = make_person(surname="Smith", forename="Amy", dob=date(2015, 3, 3), system="CONTROL")

    first = make_incident(area, at(2025, 3, 1, 22), victim=control, suspect=suspect,
                          children=[child], location="1 High Street")
    second = make_incident(area, at(2025, 9, 14, 23, 30), victim=control, suspect=suspect)
    crime = make_crime(area, at(2025, 9, 15, 1), victim=connect, suspect=suspect,
                       incident=second)
    outcome = make_outcome(crime, outcome_at=at(2025, 10, 1))
    risk = make_risk(connect, at(2025, 9, 15, 2), incident=second, crime=crime)
    order = make_order(suspect, area, at(2025, 9, 16, 10), protected=[connect],
                       starts_on=date(2025, 9, 16), ends_on=date(2025, 10, 14),
                       conditions=["Not to contact Jayne Smith"])
    arrest = make_arrest(suspect, crime, at(2025, 9, 15, 3))
    marac = make_marac(connect, area, date(2025, 9, 17), heard_on=date(2025, 10, 2),
                       perpetrator=suspect)
    records = {"incidents": [first, second], "crime": crime, "outcome": outcome, "risk": risk,
               "order": order, "arrest": arrest, "marac": marac, "child": child}
    return control.person, control, connect, suspect, records
