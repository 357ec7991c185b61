"""Builders for the records the safeguarding rules read (saved model instances)."""

from __future__ import annotations

import itertools
from datetime import timedelta

from tests.factories import at, make_crime, make_incident, make_person  # noqa: F401

_seq = itertools.count(1)


def assessment(victim, when, yes=5, final=None, incident=None, crime=None, supervised_at=None,
               reason=""):
    from vigil.core.policy import current
    from vigil.risk.models import RiskAssessment

    actuarial = current().actuarial_level(yes)
    final = final or actuarial
    return RiskAssessment.objects.create(
        source_system="DASH", source_id=f"RA{next(_seq)}", instrument="DASH27", victim=victim,
        incident=incident, crime=crime, assessed_at=when, officer="PC 1", yes_count=yes,
        actuarial_level=actuarial, officer_level=final, final_level=final, final_set_by="DS 1",
        judgement_reason=reason or ("raised" if final > actuarial else ""),
        supervised_at=supervised_at)


def referral(victim, lpa, referred_on, heard_on=None, idva_on=None, status="awaiting"):
    from vigil.marac.models import MaracReferral

    return MaracReferral.objects.create(
        source_system="MARAC", source_id=f"M{next(_seq)}", victim=victim, lpa=lpa,
        referred_on=referred_on, visible_high_risk=True, status=status, heard_on=heard_on,
        idva_referred_on=idva_on)


def action(referral, due_on, agency="Housing", completed_on=None, carried_on=None):
    from vigil.marac.models import MaracAction

    return MaracAction.objects.create(
        source_system="MARAC", source_id=f"MA{next(_seq)}", referral=referral, agency=agency,
        description="Sanctuary scheme assessment", due_on=due_on, completed_on=completed_on,
        carried_on=carried_on)


def order(subject, lpa, order_type, served_at=None, status="live", **kw):
    from vigil.orders.models import ProtectiveOrder

    return ProtectiveOrder.objects.create(
        source_system="ORDERS", source_id=f"O{next(_seq)}", order_type=order_type,
        subject=subject, subject_age=kw.pop("subject_age", 35), lpa=lpa, served_at=served_at,
        status=status, **kw)


def order_check(order_, when):
    from vigil.orders.models import OrderCheck

    return OrderCheck.objects.create(source_system="ORDERS", source_id=f"K{next(_seq)}",
                                     order=order_, checked_at=when, checked_by="PC 2",
                                     victim_contacted=True, subject_checked=True)


def dvds(person_at_risk, subject, lpa, received_at, **kw):
    from vigil.disclosure.models import DvdsApplication

    return DvdsApplication.objects.create(
        source_system="DVDS", source_id=f"D{next(_seq)}", route="ask",
        applicant_type="partner", person_at_risk=person_at_risk, subject=subject, lpa=lpa,
        received_at=received_at, **kw)


def arrest(suspect, crime, arrested_at, disposal="", released_at=None):
    from vigil.incidents.models import Arrest

    return Arrest.objects.create(source_system="CUSTODY", source_id=f"A{next(_seq)}",
                                 suspect=suspect, crime=crime, arrested_at=arrested_at,
                                 disposal=disposal, released_at=released_at)


def child(surname="Smith", age_on=None, age=9, **kw):
    from datetime import date

    born = (age_on or date(2026, 1, 1)) - timedelta(days=365 * age + 30)
    return make_person(surname=surname, forename="Kid", dob=born, **kw)


def days_after(start, n):
    return start + timedelta(days=n)


def allocation(crime, when, route="ppu", officer_name="DC Khan", safeguarding=""):
    from vigil.risk.models import Allocation

    return Allocation.objects.create(
        source_system="CRIMES", source_id=f"AL{next(_seq)}", crime=crime, allocated_at=when,
        allocated_by="DS 1", route=route, officer_name="" if route == "filed" else officer_name,
        safeguarding=safeguarding or ("Safety plan agreed" if route == "filed" else ""))
