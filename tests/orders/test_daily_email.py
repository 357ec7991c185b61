"""The daily email to each LPA of new and live orders, through a real SMTP server."""

from datetime import date, datetime, timedelta
from email import message_from_bytes
from email import policy as email_policy

import pytest

from tests.factories import make_person
from tests.safeguarding import builders as b
from vigil.core import jobs, mail
from vigil.core.calendar import LONDON
from vigil.core.models import AuditEvent, OutboundEmail
from vigil.orders import daily
from vigil.orders.models import LpaEmailRecipient, ProtectedPerson

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 30, 7, 0, tzinfo=LONDON)


@pytest.fixture
def sync_jobs(settings):
    settings.VIGIL_JOBS_SYNC = True


@pytest.fixture
def orders(areas):
    bhm, cov = areas["BHM"], areas["COV"]
    victim = make_person("Hidden-Victim", "Vera")
    new = b.order(make_person("Newman", "Carl"), bhm, "DVPN", served_at=NOW - timedelta(hours=5))
    ProtectedPerson.objects.create(order=new, person=victim)
    old = b.order(make_person("Oldham", "Ray"), bhm, "NMO", served_at=None,
                  starts_on=date(2026, 6, 1), ends_on=date(2027, 6, 1))
    ended = b.order(make_person("Ended", "Sid"), bhm, "DVPO", served_at=NOW - timedelta(days=40),
                    starts_on=date(2026, 10, 21), ends_on=date(2026, 11, 18))
    other = b.order(make_person("Coventry", "Tom"), cov, "RO", served_at=NOW - timedelta(hours=2))
    LpaEmailRecipient.objects.create(lpa=bhm, name="BHM inspectors",
                                     email="bhm-orders@wmp.example")
    LpaEmailRecipient.objects.create(lpa=bhm, name="Left", email="left@wmp.example",
                                     active=False)
    return {"new": new, "old": old, "ended": ended, "other": other}


def test_each_lpa_gets_its_new_and_live_orders_read_back_from_smtp(orders, smtp_server,
                                                                   sync_jobs):
    assert daily.send_daily(as_of=NOW) == 1  # Coventry has no recipients
    [(rcpt, raw)] = smtp_server
    assert rcpt == ["bhm-orders@wmp.example"]  # the inactive recipient is not sent it
    got = message_from_bytes(raw, policy=email_policy.default)
    assert got["Subject"] == "OFFICIAL-SENSITIVE: New and live orders in Birmingham, 30 Nov 2026"
    body = got.get_content().replace("\r\n", "\n")
    new_part, live_part = body.split("Live today:")
    assert "New in the last 24 hours: 1" in new_part and "Carl NEWMAN" in new_part
    assert "Ray OLDHAM" not in new_part
    assert "Live today: 2" in "Live today:" + live_part
    assert "Ray OLDHAM" in live_part and "ends 01 Jun 2027" in live_part
    # Only what the recipients may see: their own area, no victim, no past order.
    assert "COVENTRY" not in body and "Vera" not in body and "ENDED" not in body
    assert f"https://vigil.wmp.example/orders/{orders['new'].pk}/" in body
    email = OutboundEmail.objects.get()
    assert email.status == "sent" and email.to == ["bhm-orders@wmp.example"]
    assert email.body == body and email.area.code == "BHM"
    assert AuditEvent.objects.get(object_type="core.outboundemail").actor == daily.ACTOR
    # The job runs again (a redelivery, a restart): nothing is sent twice.
    assert daily.send_daily(as_of=NOW + timedelta(hours=1)) == 0
    assert len(smtp_server) == 1


def test_a_refused_email_is_retried_then_reported_never_dropped(orders, smtp_server, sync_jobs):
    smtp_server.refuse = "451 4.3.0 Mailbox busy, try again later"
    assert daily.send_daily(as_of=NOW) == 1
    email = OutboundEmail.objects.get()
    assert email.status == "retrying" and "Mailbox busy" in email.last_error
    assert smtp_server == []
    at = NOW
    for wait in mail.RETRY_WAITS:
        at += wait
        mail.retry_due(now=at)
    email.refresh_from_db()
    assert email.status == "failed" and email.attempts == mail.MAX_ATTEMPTS
    failure = AuditEvent.objects.get(object_type="core.outboundemail", action="update")
    assert failure.detail["failed"] is True and failure.detail["to"] == ["bhm-orders@wmp.example"]
    # The next day's run sends the next day's email once the server takes mail again.
    smtp_server.refuse = None
    assert daily.send_daily(as_of=NOW + timedelta(days=1)) == 1
    assert len(smtp_server) == 1


def test_the_daily_email_is_a_scheduled_job():
    [s] = [s for s in jobs.declared() if s.name == "orders-daily-email"]
    assert s.func == "vigil.orders.daily.daily_job" and s.cron == "0 7 * * *"


def test_orders_past_their_end_date_are_closed_by_the_job(orders):
    assert daily.expire_ended(as_of=NOW) == 1
    orders["ended"].refresh_from_db()
    assert orders["ended"].status == "expired"
    assert AuditEvent.objects.filter(object_type="orders.protectiveorder", action="update",
                                     actor=daily.ACTOR).count() == 1
    assert daily.expire_ended(as_of=NOW) == 0
