"""The outbox: stored with the change, sent through a real SMTP server, retried, reported."""

from datetime import datetime, timedelta
from email import message_from_bytes
from email import policy as email_policy
from zoneinfo import ZoneInfo

import pytest

from vigil.core import mail
from vigil.core.errors import CommandError
from vigil.core.models import AuditEvent, OutboundEmail

NOW = datetime(2026, 11, 30, 6, 0, tzinfo=ZoneInfo("Europe/London"))


@pytest.fixture
def sync_jobs(settings):
    settings.VIGIL_JOBS_SYNC = True


def _queue(**over):
    fields = dict(purpose="orders.daily_lpa", to=["bhm-orders@wmp.example"],
                  subject="Live orders in Birmingham", body="Three live orders.\n",
                  actor="job:orders-daily", reference="orders.daily:BHM", at=NOW)
    fields.update(over)
    return mail.queue(**fields)


def test_sent_through_smtp_and_recorded_exactly(db, smtp_server, sync_jobs):
    email = _queue()
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT and email.sent_at == NOW
    assert email.attempts == 1
    [(rcpt, raw)] = smtp_server
    assert rcpt == ["bhm-orders@wmp.example"]
    got = message_from_bytes(raw, policy=email_policy.default)
    assert got["Subject"] == "OFFICIAL-SENSITIVE: Live orders in Birmingham"
    assert got["Message-ID"] == email.message_id
    assert got.get_content().replace("\r\n", "\n") == email.body
    event = AuditEvent.objects.get(object_type="core.outboundemail", object_id=str(email.pk))
    assert event.action == AuditEvent.Action.EXPORT and event.actor == "job:orders-daily"
    assert event.detail["to"] == ["bhm-orders@wmp.example"]


def test_a_refusal_is_retried_after_its_wait_and_sent_once(db, smtp_server, sync_jobs):
    smtp_server.refuse = "451 4.3.0 Mailbox busy, try again later"
    email = _queue()
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.RETRYING
    assert email.next_attempt_at == NOW + mail.RETRY_WAITS[0]
    assert "Mailbox busy" in email.last_error
    smtp_server.refuse = None
    assert mail.retry_due(now=NOW + mail.RETRY_WAITS[0] - timedelta(seconds=1)) == 0
    assert smtp_server == []
    assert mail.retry_due(now=NOW + mail.RETRY_WAITS[0]) == 1
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT and email.attempts == 2
    assert len(smtp_server) == 1
    # A redelivered job or a second sweep sends nothing again.
    assert mail.deliver(email.pk) == OutboundEmail.Status.SENT
    assert mail.retry_due(now=NOW + timedelta(days=1)) == 0
    assert len(smtp_server) == 1


def test_after_the_last_attempt_it_fails_loudly_never_silently(db, smtp_server, sync_jobs):
    smtp_server.refuse = "554 5.7.1 Relay refused"
    reported = []

    def on_failed(sender, email, **kwargs):
        reported.append(email.pk)

    mail.email_failed.connect(on_failed)
    try:
        email = _queue()
        at = NOW
        for wait in mail.RETRY_WAITS:
            at += wait
            assert mail.retry_due(now=at) == 1
    finally:
        mail.email_failed.disconnect(on_failed)
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.FAILED
    assert email.attempts == mail.MAX_ATTEMPTS and email.next_attempt_at is None
    assert reported == [email.pk]
    failure = AuditEvent.objects.get(object_type="core.outboundemail", object_id=str(email.pk),
                                     action=AuditEvent.Action.UPDATE)
    assert failure.detail["failed"] is True and "Relay refused" in failure.detail["error"]
    smtp_server.refuse = None
    assert mail.retry_due(now=at + timedelta(days=1)) == 0
    assert smtp_server == []


def test_a_dead_server_is_a_refusal_too(db, settings, sync_jobs):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens (discard)
    settings.EMAIL_TIMEOUT = 2
    email = _queue()
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.RETRYING and email.last_error


@pytest.mark.parametrize("to, named", [([], "No email address"),
                                       (["  "], "No email address"),
                                       (["key.adult@school"], "'key.adult@school'"),
                                       (["ok@wmp.example", "not an address"], "'not an address'")])
def test_bad_recipients_are_refused_naming_them_and_nothing_is_stored(db, to, named):
    with pytest.raises(CommandError, match=named):
        _queue(to=to)
    assert not OutboundEmail.objects.exists()


def test_without_sync_the_job_is_queued_after_commit_and_a_lost_job_is_swept(
        db, smtp_server, settings, django_capture_on_commit_callbacks, monkeypatch):
    settings.VIGIL_JOBS_SYNC = False
    queued = []
    monkeypatch.setattr(mail.jobs, "enqueue", lambda func, *a, **k: queued.append((func, a)))
    with django_capture_on_commit_callbacks(execute=True):
        email = _queue()
    assert queued == [("vigil.core.mail.deliver", (email.pk,))]
    assert smtp_server == []  # the job never ran: the minute's sweep sends it
    assert mail.retry_due(now=NOW) == 1
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT and len(smtp_server) == 1


def test_a_rolled_back_change_queues_nothing(db, settings, django_capture_on_commit_callbacks,
                                             monkeypatch):
    from django.db import transaction

    settings.VIGIL_JOBS_SYNC = False
    queued = []
    monkeypatch.setattr(mail.jobs, "enqueue", lambda *a, **k: queued.append(a))
    with (django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError),
          transaction.atomic()):
        _queue()
        raise RuntimeError("the caller's change failed")
    assert queued == [] and not OutboundEmail.objects.exists()


def test_the_retry_sweep_is_scheduled_every_minute():
    from vigil.core import jobs

    [sweep] = [s for s in jobs.declared() if s.name == "mail-retry"]
    assert sweep.func == "vigil.core.mail.retry_job" and sweep.cron == "* * * * *"


def test_outbox_page_shows_delivery_not_content_and_keeps_to_the_area(
        client, make_user, areas, smtp_server, sync_jobs):
    smtp_server.refuse = "554 5.7.1 Relay refused"
    _queue(area=areas["BHM"], body="Victim: Jane Doe\n")
    smtp_server.refuse = None
    _queue(area=areas["COV"], subject="Live orders in Coventry")
    auditor = make_user("admin", area=areas["BHM"], username="aud-bhm")
    client.force_login(auditor)
    page = client.get("/outbox/").content.decode()
    assert "Live orders in Birmingham" in page and "next at" in page
    assert "Relay refused" in page
    assert "Coventry" not in page  # another area's email
    assert "Jane Doe" not in page  # content stays on its record
    assert "Relay refused" not in client.get("/outbox/?status=sent").content.decode()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.SEARCH, context="outbox").exists()
