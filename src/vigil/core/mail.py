"""The outbox: every email Vigil sends goes through here.

An app calls `queue()` inside its own change; the email is stored with the change
(so a rolled-back change sends nothing) and a job delivers it through the SMTP
server in settings. A refusal or a dead server is retried with growing waits; after
the last attempt the email is marked failed, audited, logged as an error and the
`email_failed` signal lets the owning app open a task for a person. Nothing is
dropped silently, and the stored row is the record of exactly what was sent to whom.

With settings.VIGIL_JOBS_SYNC (tests, a demo with no worker) delivery happens at
once, in the caller's process.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Sequence
from datetime import datetime, timedelta
from email.utils import make_msgid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.core.validators import validate_email
from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone

from vigil.core import audit, jobs
from vigil.core.errors import CommandError
from vigil.core.models import Area, OutboundEmail

log = logging.getLogger(__name__)

# Waits after the 1st, 2nd, 3rd and 4th refusal; the 5th attempt is the last.
RETRY_WAITS = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=15),
               timedelta(hours=1))
MAX_ATTEMPTS = len(RETRY_WAITS) + 1
MARKING = "OFFICIAL-SENSITIVE"

# Sent once when an email has failed for good: sender=OutboundEmail, email=<the row>.
email_failed = Signal()

_SEND_ERRORS = (smtplib.SMTPException, OSError)


def _actor_name(actor) -> str:
    if isinstance(actor, str):
        return actor
    return actor.get_username() if getattr(actor, "is_authenticated", False) else "system"


def queue(*, purpose: str, to: Sequence[str], subject: str, body: str, actor,
          reference: str = "", area: Area | None = None,
          at: datetime | None = None) -> OutboundEmail:
    """Store an email for sending and arrange its delivery; returns the stored row.

    Refuses (CommandError, naming the address) an empty or malformed recipient list,
    so the caller can tell its user before anything is stored.
    """
    recipients = [a.strip() for a in to if a and a.strip()]
    if not recipients:
        raise CommandError(f"No email address to send {purpose} to.")
    for address in recipients:
        try:
            validate_email(address)
        except ValidationError:
            raise CommandError(f"{address!r} is not a valid email address.") from None
    if not subject.startswith(MARKING):
        subject = f"{MARKING}: {subject}"
    at = at or timezone.now()
    with transaction.atomic():
        email = OutboundEmail.objects.create(
            purpose=purpose[:60], reference=reference[:120], area=area, to=recipients,
            subject=subject[:250], body=body, created_at=at, created_by=_actor_name(actor)[:150],
            next_attempt_at=at, message_id=make_msgid(domain=_domain()),
        )
        audit.record(actor, audit.EXPORT, email, context=f"mail:{purpose}"[:120],
                     detail={"to": recipients, "reference": reference}, at=at)
    if getattr(settings, "VIGIL_JOBS_SYNC", False):
        deliver(email.pk, now=at)  # the change's own time, so a replay reads the same
    else:
        transaction.on_commit(lambda: jobs.enqueue("vigil.core.mail.deliver", email.pk,
                                                   group="mail"))
    return email


def _domain() -> str:
    sender = settings.DEFAULT_FROM_EMAIL
    return sender.rpartition("@")[2] or "localhost"


def deliver(email_id: int, *, now: datetime | None = None) -> str:
    """Try to send one stored email now; returns its status afterwards.

    Idempotent: a sent or failed email is left alone, so a redelivered job or an
    overlapping retry sweep never sends twice.
    """
    now = now or timezone.now()
    with transaction.atomic():
        email = (OutboundEmail.objects.select_for_update()
                 .filter(pk=email_id).first())
        if email is None:
            return "missing"  # the caller's change rolled back: nothing to send
        if email.status in (OutboundEmail.Status.SENT, OutboundEmail.Status.FAILED):
            return email.status
        email.attempts += 1
        try:
            message = EmailMessage(subject=email.subject, body=email.body,
                                   from_email=settings.DEFAULT_FROM_EMAIL, to=email.to,
                                   headers={"Message-ID": email.message_id})
            get_connection(fail_silently=False).send_messages([message])
        except _SEND_ERRORS as exc:
            email.last_error = f"{type(exc).__name__}: {exc}"[:500]
            if email.attempts >= MAX_ATTEMPTS:
                email.status = OutboundEmail.Status.FAILED
                email.next_attempt_at = None
            else:
                email.status = OutboundEmail.Status.RETRYING
                email.next_attempt_at = now + RETRY_WAITS[email.attempts - 1]
        else:
            email.status = OutboundEmail.Status.SENT
            email.sent_at = now
            email.next_attempt_at = None
            email.last_error = ""
        email.save()
    if email.status == OutboundEmail.Status.FAILED:
        _report_failure(email, now)
    elif email.status == OutboundEmail.Status.RETRYING:
        log.warning("email %s (%s) refused, attempt %s of %s: %s", email.pk, email.purpose,
                    email.attempts, MAX_ATTEMPTS, email.last_error)
    return email.status


def _report_failure(email: OutboundEmail, now: datetime) -> None:
    log.error("email %s (%s) to %s failed after %s attempts: %s", email.pk, email.purpose,
              ", ".join(email.to), email.attempts, email.last_error)
    audit.record("job:mail", audit.UPDATE, email, context=f"mail:{email.purpose}"[:120],
                 detail={"failed": True, "to": email.to, "error": email.last_error,
                         "reference": email.reference}, at=now)
    email_failed.send(sender=OutboundEmail, email=email)


def retry_due(*, now: datetime | None = None) -> int:
    """The scheduled sweep: deliver every email whose next attempt is due; returns how many.

    Also picks up emails whose first delivery job was lost (queued, due, unsent).
    """
    now = now or timezone.now()
    due = list(OutboundEmail.objects.filter(
        status__in=[OutboundEmail.Status.QUEUED, OutboundEmail.Status.RETRYING],
        next_attempt_at__lte=now).order_by("next_attempt_at", "pk").values_list("pk", flat=True))
    for pk in due:
        deliver(pk, now=now)
    return len(due)


def retry_job() -> int:
    """The scheduled job (vigil worker), every minute."""
    return retry_due()


def outbox(*, area: Area | None = None, status: str | None = None):
    """The outbox, optionally one area's and one status's, newest first."""
    rows = OutboundEmail.objects.select_related("area")
    if area is not None:
        rows = rows.filter(area=area)
    if status:
        rows = rows.filter(status=status)
    return rows
