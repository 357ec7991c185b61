"""Sending a reviewed Encompass notification through the outbox to a real SMTP server:
exactly the stored words reach the Key Adult; the task turns Met when the server accepts
it; a refusal is retried and a failure is reported on the task and the page."""

from __future__ import annotations

from datetime import date, timedelta
from email import message_from_bytes
from email import policy as email_policy

import pytest
from django.utils import timezone

from tests.safeguarding import builders as b
from vigil.core import mail
from vigil.core.models import OutboundEmail, School
from vigil.encompass import services
from vigil.encompass.models import ChildScreening, EncompassNotification, LocalAuthorityContact
from vigil.safeguarding import engine
from vigil.safeguarding.models import Task

pytestmark = pytest.mark.django_db
REPORTED = b.at(2026, 11, 27, 22, 40)


@pytest.fixture
def composed(areas, make_user, settings):
    settings.VIGIL_JOBS_SYNC = True
    school = School.objects.create(urn="103001", name="Aston Manor Primary", phase="primary",
                                   local_authority=areas["BHM"],
                                   key_adult_email="key.adult@astonmanor.sch.uk")
    kid = b.make_person(surname="Smith", forename="Ava", dob=date(2018, 3, 4))
    incident = b.make_incident(areas["BHM"], REPORTED, victim=b.make_person("Mum"),
                               children=[kid], location="12 Example Road")
    incident.parties.filter(role="child").update(school=school)
    engine.run(as_of=REPORTED + timedelta(hours=1))
    officer = make_user("encompass", area=areas["BHM"])
    note = services.compose(incident, kid, actor=officer, destination="school", school=school,
                            child_present=True, circumstances="An argument at home.",
                            at=REPORTED + timedelta(hours=2))
    return officer, EncompassNotification.objects.get(pk=note.pk)


def _task():
    return Task.objects.get(kind="encompass")


def test_sent_exactly_as_reviewed_and_the_task_is_met(composed, smtp_server):
    officer, note = composed
    body = note.body
    note = services.send(note, actor=officer)
    assert len(smtp_server) == 1
    rcpt, raw = smtp_server[0]
    assert rcpt == ["key.adult@astonmanor.sch.uk"]
    message = message_from_bytes(raw, policy=email_policy.default)
    assert message["Subject"] == note.subject
    assert message["Subject"].startswith("OFFICIAL-SENSITIVE: Operation Encompass")
    assert message.get_content().replace("\r\n", "\n").strip() == body.strip()
    # The record of what was sent, to whom and when.
    note.refresh_from_db()
    assert note.sent_to == "key.adult@astonmanor.sch.uk" and note.sent_by
    assert note.email.status == OutboundEmail.Status.SENT and note.email.body == body
    assert note.notified_at == note.email.sent_at
    task = _task()
    assert task.status == Task.Status.MET
    assert f"encompass.encompassnotification:{note.pk}" in task.outcome
    with pytest.raises(services.RecordInvalid, match="already been sent"):
        services.send(note, actor=officer)


def test_refused_then_retried_then_told(composed, smtp_server):
    officer, note = composed
    smtp_server.refuse = "451 4.3.0 Try again later"
    note = services.send(note, actor=officer)
    note.refresh_from_db()
    assert note.email.status == OutboundEmail.Status.RETRYING and note.notified_at is None
    assert note.state == "sending" and _task().status == Task.Status.OPEN
    smtp_server.refuse = None
    assert mail.retry_due(now=timezone.now() + timedelta(minutes=2)) == 1
    assert services.record_deliveries() == 1  # the worker's minute job
    note.refresh_from_db()
    assert note.notified_at is not None and _task().status == Task.Status.MET
    assert len(smtp_server) == 1


def test_refused_for_good_is_reported_on_the_task_and_can_be_sent_again(composed, smtp_server):
    officer, note = composed
    smtp_server.refuse = "550 5.1.1 No such mailbox"
    services.send(note, actor=officer)
    later = timezone.now()
    for _ in range(mail.MAX_ATTEMPTS):
        later += timedelta(hours=2)
        mail.retry_due(now=later)
    note = EncompassNotification.objects.select_related("email").get(pk=note.pk)
    assert note.email.status == OutboundEmail.Status.FAILED and note.state == "failed"
    task = _task()
    assert task.status == Task.Status.OPEN
    assert "refused by the mail server and not delivered" in task.reason
    smtp_server.refuse = None
    services.send(note, actor=officer)
    note.refresh_from_db()
    assert note.notified_at and _task().status == Task.Status.MET
    assert OutboundEmail.objects.filter(purpose="encompass").count() == 2  # both kept


def test_home_educated_child_goes_to_the_local_authority(composed, smtp_server, areas):
    officer, note = composed
    LocalAuthorityContact.objects.create(local_authority=areas["BHM"],
                                         encompass_email="ehe@birmingham.gov.uk")
    note = services.compose(note.incident, note.child, actor=officer,
                            destination="home_educated", school=None, child_present=False,
                            circumstances="An argument at home.",
                            at=REPORTED + timedelta(hours=3))
    assert "For: Birmingham (child educated at home)" in note.body
    services.send(EncompassNotification.objects.get(pk=note.pk), actor=officer)
    assert smtp_server[0][0] == ["ehe@birmingham.gov.uk"]


def test_screening_and_referral_sent_and_measured(areas, make_user, smtp_server, settings):
    settings.VIGIL_JOBS_SYNC = True
    LocalAuthorityContact.objects.create(local_authority=areas["BHM"],
                                         childrens_services_email="mash@birmingham.gov.uk")
    kid, toddler = b.child("Kid", age_on=REPORTED.date()), b.child("Tod", age_on=REPORTED.date(),
                                                                    age=2)
    mum = b.make_person("Mum")
    incident = b.make_incident(areas["BHM"], REPORTED, victim=mum, children=[kid, toddler])
    incident.parties.filter(person=toddler).update(present=False)
    engine.run(as_of=REPORTED + timedelta(hours=1))
    screen = Task.objects.get(kind="csc_screening")
    assert screen.person_id == mum.person_id and "(2 children)" in screen.reason
    assert screen.due_at == REPORTED + timedelta(hours=24)
    officer = make_user("encompass", area=areas["BHM"])
    screening = services.screen(incident, actor=officer, decision="refer",
                                reasons="Repeat incidents; a toddler in the home.",
                                at=REPORTED + timedelta(hours=5))
    assert Task.objects.get(kind="csc_screening").status == Task.Status.MET
    referral = Task.objects.get(kind="csc_referral")
    assert referral.status == Task.Status.OPEN
    assert referral.due_at == REPORTED + timedelta(hours=29)
    screening = services.refer(ChildScreening.objects.get(pk=screening.pk), actor=officer,
                               concerns="Please assess the children's safety at home.")
    assert smtp_server[0][0] == ["mash@birmingham.gov.uk"]
    screening.refresh_from_db()
    assert screening.referred_at and screening.referral_to == "mash@birmingham.gov.uk"
    assert "Kid Kid" in screening.referral_body and "Tod" in screening.referral_body
    assert Task.objects.get(kind="csc_referral").status == Task.Status.MET


def test_no_referral_decision_needs_no_referral(areas, make_user):
    incident = b.make_incident(areas["BHM"], REPORTED, victim=b.make_person("Mum"),
                               children=[b.child("Kid", age_on=REPORTED.date())])
    officer = make_user("encompass", area=areas["BHM"])
    screening = services.screen(incident, actor=officer, decision="no_referral",
                                reasons="Single verbal argument; children asleep upstairs.",
                                at=REPORTED + timedelta(hours=2))
    assert not Task.objects.filter(kind="csc_referral").exists()
    with pytest.raises(services.RecordInvalid, match="did not decide to refer"):
        services.refer(screening, actor=officer, concerns="x")
    with pytest.raises(services.RecordInvalid, match="already screened"):
        services.screen(incident, actor=officer, decision="refer", reasons="again",
                        at=REPORTED + timedelta(hours=3))
