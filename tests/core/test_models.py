"""Database invariants hold whatever code path writes the row."""

from datetime import date

import pytest
from django.db import IntegrityError, transaction

from tests.factories import at, make_crime, make_incident, make_person
from vigil.marac.models import MaracReferral
from vigil.orders.models import ProtectiveOrder
from vigil.people.models import SourceRecord
from vigil.risk.models import RiskAssessment

pytestmark = pytest.mark.django_db


def refused(fn):
    with pytest.raises(IntegrityError), transaction.atomic():
        fn()


def test_source_key_is_unique(areas):
    make_person(system="CONNECT")
    rec = SourceRecord.objects.get()
    refused(lambda: SourceRecord.objects.create(source_system=rec.source_system,
                                                source_id=rec.source_id, surname="X"))
    # the same id in another system is another record
    SourceRecord.objects.create(source_system="CONTROL", source_id=rec.source_id, surname="X")


def test_incident_cannot_close_before_it_was_reported(areas):
    refused(lambda: make_incident(areas["BHM"], at(2025, 5, 1), closed_at=at(2025, 4, 30)))
    make_incident(areas["BHM"], at(2025, 5, 1), closed_at=at(2025, 5, 1))


def test_crime_cannot_be_recorded_before_committed(areas):
    refused(lambda: make_crime(areas["COV"], at(2025, 5, 1), committed_at=at(2025, 5, 2)))


def _order(areas, subject, order_type="DVPN", age=30, **kw):
    return ProtectiveOrder.objects.create(
        source_system="CONNECT", source_id=f"O{subject.pk}{order_type}{age}",
        order_type=order_type, subject=subject, subject_age=age, lpa=areas["BHM"],
        served_at=kw.pop("served_at", at(2025, 6, 7, 20)), status="live", **kw)


@pytest.mark.parametrize("order_type", ["DVPN", "DAPN"])
def test_police_notice_subject_must_be_adult(areas, order_type):
    p = make_person()
    refused(lambda: _order(areas, p, order_type, age=17))
    refused(lambda: _order(areas, p, order_type, age=None))
    _order(areas, p, order_type, age=18)


def test_court_orders_have_no_age_rule_and_end_after_start(areas):
    p = make_person()
    _order(areas, p, "SPO", age=16, starts_on=date(2025, 1, 1), ends_on=date(2027, 1, 1))
    refused(lambda: _order(areas, p, "NMO", age=40, starts_on=date(2025, 1, 2),
                           ends_on=date(2025, 1, 1)))


def _assessment(victim, **kw):
    values = dict(source_system="CONNECT", source_id=f"R{victim.pk}", instrument="DASH27",
                  victim=victim, assessed_at=at(2025, 1, 1), officer="PC 1", yes_count=15,
                  actuarial_level=3, officer_level=3, final_level=3, final_set_by="DS 2")
    values.update(kw)
    return RiskAssessment.objects.create(**values)


def test_professional_judgement_never_lowers_risk(areas):
    v = make_person()
    refused(lambda: _assessment(v, final_level=2))
    refused(lambda: _assessment(v, yes_count=5, actuarial_level=1, officer_level=1,
                                final_level=3))  # raised without a reason
    _assessment(v, yes_count=5, actuarial_level=1, officer_level=1, final_level=3,
                judgement_reason="Non-fatal strangulation disclosed")


def test_marac_referral_must_meet_a_criterion_and_be_heard_after_referral(areas):
    v = make_person()
    base = dict(source_system="MARAC", victim=v, lpa=areas["SAN"], referred_on=date(2025, 3, 3),
                status="awaiting")
    refused(lambda: MaracReferral.objects.create(source_id="M1", **base))
    refused(lambda: MaracReferral.objects.create(
        source_id="M2", visible_high_risk=True, **{**base, "status": "heard"},
        heard_on=date(2025, 3, 2)))
    MaracReferral.objects.create(source_id="M3", repeat_referral=True, **base)
