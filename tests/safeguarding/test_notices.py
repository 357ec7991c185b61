"""Notices (assigned, high-risk arrival, due soon) and the daily digest over real SMTP."""

from datetime import timedelta
from email import message_from_bytes
from email import policy as email_policy

import pytest

from tests.safeguarding import builders as b
from vigil.core import jobs
from vigil.core.models import AuditEvent, OutboundEmail
from vigil.safeguarding import engine, notices, ownership
from vigil.safeguarding.models import Notice, NoticePreference, Task

pytestmark = pytest.mark.django_db

NOW = b.at(2026, 3, 10, 12)


@pytest.fixture
def high_risk_case(areas):
    """A high-risk victim in Birmingham whose safeguarding contact has just landed."""
    victim = b.make_person("High")
    inc = b.make_incident(areas["BHM"], NOW - timedelta(hours=2), victim=victim)
    b.assessment(victim, NOW - timedelta(hours=1), yes=16, incident=inc)
    engine.run(as_of=NOW)
    task = Task.objects.get(team="safeguarding", status="open")
    return task


def test_high_risk_arrival_notices_the_teams_workers_in_area_only(high_risk_case, make_user,
                                                                  areas):
    bhm = make_user("safeguarding", area=areas["BHM"])
    force = make_user("safeguarding")
    cov = make_user("safeguarding", area=areas["COV"])
    looker = make_user("marac_coordinator")  # sees the safeguarding queue, does not work it
    gone = make_user("safeguarding")
    gone.is_active = False
    gone.save()
    assert notices.sweep(as_of=NOW) >= 2
    got = set(Notice.objects.filter(kind="high_risk", task=high_risk_case)
              .values_list("user", flat=True))
    assert got == {bhm.pk, force.pk}
    assert cov.pk not in got and looker.pk not in got and gone.pk not in got
    # Idempotent: a second sweep adds nothing.
    assert notices.sweep(as_of=NOW + timedelta(minutes=15)) == 0


def test_high_risk_notice_only_while_just_landed(high_risk_case, make_user):
    make_user("safeguarding")
    assert notices.sweep(as_of=high_risk_case.starts_at + timedelta(days=1, minutes=1)) == 0


def test_standard_risk_case_gives_no_high_risk_notice(areas, make_user):
    make_user("safeguarding")
    victim = b.make_person("Std")
    inc = b.make_incident(areas["BHM"], NOW - timedelta(hours=2), victim=victim)
    b.assessment(victim, NOW - timedelta(hours=1), yes=11, incident=inc)
    engine.run(as_of=NOW)
    assert Task.objects.filter(team="safeguarding").exists()
    notices.sweep(as_of=NOW)
    assert not Notice.objects.filter(kind="high_risk").exists()


def test_due_soon_goes_to_the_holder_once_per_due_time(high_risk_case, make_user):
    officer = make_user("safeguarding")
    task = ownership.claim(high_risk_case.pk, actor=officer, version=high_risk_case.version,
                           at=NOW)
    before = task.due_at - timedelta(hours=5)  # policy: 4 hours
    Notice.objects.all().delete()
    notices.sweep(as_of=before)
    assert not Notice.objects.filter(kind="due_soon").exists()
    notices.sweep(as_of=task.due_at - timedelta(hours=4))
    notices.sweep(as_of=task.due_at - timedelta(hours=1))
    assert Notice.objects.filter(kind="due_soon", user=officer).count() == 1
    # Rescheduled: the new due time earns its own notice.
    moved = ownership.reschedule(task.pk, actor=officer, due_at=task.due_at + timedelta(days=1),
                                 reason="r", version=task.version,
                                 at=task.due_at - timedelta(hours=1))
    notices.sweep(as_of=moved.due_at - timedelta(hours=2))
    assert Notice.objects.filter(kind="due_soon", user=officer).count() == 2
    assert not notices.sweep(as_of=moved.due_at + timedelta(minutes=1))  # already due


def test_a_notice_is_hidden_once_its_reader_may_not_see_the_task(high_risk_case, make_user,
                                                                 areas):
    officer = make_user("safeguarding", area=areas["BHM"])
    notices.sweep(as_of=NOW)
    assert notices.visible(officer).count() == 1
    officer.area = areas["COV"]  # moved to Coventry
    officer.save()
    assert notices.visible(officer).count() == 0 and notices.unread_count(officer) == 0
    officer.area, officer.role = areas["BHM"], "civil_orders"  # moved team
    officer.save()
    assert notices.visible(officer).count() == 0


def test_mark_read_touches_only_my_notices(high_risk_case, make_user):
    mine, theirs = make_user("safeguarding"), make_user("safeguarding")
    notices.sweep(as_of=NOW)
    other = Notice.objects.get(user=theirs)
    assert notices.mark_read(actor=mine, notice_ids=[other.pk]) == 0
    assert notices.mark_read(actor=mine) == 1
    assert notices.unread_count(mine) == 0 and notices.unread_count(theirs) == 1


def test_digest_is_declared_as_a_scheduled_job():
    names = {s.name: s for s in jobs.declared()}
    assert names["daily-digest"].func == "vigil.safeguarding.notices.digest_job"
    assert names["notices-sweep"].func == "vigil.safeguarding.notices.sweep_job"


def test_daily_digest_over_smtp_once_a_day_opt_in_only(high_risk_case, make_user, areas,
                                                       smtp_server, settings):
    keen = make_user("safeguarding", area=areas["BHM"], username="keen")
    keen.email = "keen@wmp.example"
    keen.save()
    quiet = make_user("safeguarding", username="quiet")
    quiet.email = "quiet@wmp.example"
    quiet.save()
    notices.set_digest(actor=keen, enabled=True)
    ownership.claim(high_risk_case.pk, actor=keen, version=high_risk_case.version, at=NOW)
    notices.sweep(as_of=NOW)
    # Through the job runner, as the worker would run it (sync in tests).
    settings.VIGIL_JOBS_SYNC = True
    job = jobs.enqueue("vigil.safeguarding.notices.send_digests", as_of=NOW)
    assert jobs.outcome(job).ok and jobs.outcome(job).result == 1
    assert len(smtp_server) == 1
    rcpt, raw = smtp_server[0]
    assert rcpt == ["keen@wmp.example"]
    mail = message_from_bytes(raw, policy=email_policy.default)
    body = mail.get_content()
    assert mail["Subject"].startswith("OFFICIAL-SENSITIVE")
    assert "You hold 1 open task, 0 overdue" in body
    assert "High-risk case in your team's queue: Safeguarding contact with the victim" in body
    assert "CONTROL LOG-" in body  # the force's reference, not a model id
    assert "https://vigil.wmp.example/my-work/" in body
    assert "High" not in body.replace("High-risk", "")  # no names in email
    assert Notice.objects.filter(user=keen, emailed_at=NOW).count() == 1
    [sent] = OutboundEmail.objects.filter(purpose="safeguarding.digest")
    assert sent.to == ["keen@wmp.example"] and sent.status == OutboundEmail.Status.SENT
    assert AuditEvent.objects.filter(action="export", object_type="core.outboundemail",
                                     object_id=str(sent.pk)).count() == 1
    # Run again the same day (a retry): nothing is sent twice.
    assert notices.send_digests(as_of=NOW + timedelta(hours=2)) == 0
    assert len(smtp_server) == 1
    # Turned off: nothing the next day.
    notices.set_digest(actor=keen, enabled=False)
    assert notices.send_digests(as_of=NOW + timedelta(days=1)) == 0
    assert NoticePreference.objects.get(user=keen).email_digest is False


def test_digest_leaves_out_notices_the_reader_may_no_longer_see(high_risk_case, make_user,
                                                                areas, smtp_server):
    moved = make_user("safeguarding", area=areas["BHM"])
    moved.email = "moved@wmp.example"
    moved.save()
    notices.set_digest(actor=moved, enabled=True)
    notices.sweep(as_of=NOW)
    moved.area = areas["COV"]
    moved.save()
    assert notices.send_digests(as_of=NOW) == 0  # nothing they may see: no email at all
    assert smtp_server == []
