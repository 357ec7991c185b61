"""The daily email to each LPA of new and live orders in its area (seed 003; domain.md
"LPAs get a daily list of new and live orders by area").

A scheduled job (`daily_job`, 07:00, vigil.core.jobs) builds one email per LPA that has
recipients (LpaEmailRecipient, kept by admins in Vigil) and queues it in the shared
outbox (vigil.core.mail), which sends it through SMTP, retries a refusal, reports a
failure and keeps the record of what was sent to whom.

What the email holds is what every recipient may see: orders of their own LPA only
(recipients are the LPA's own staff), each order's force reference, type, dates,
neighbourhood and the perpetrator's name, and a link that opens the order only for a
user whose role and area allow it. It names no victim and gives no address.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from vigil.core import mail
from vigil.core.calendar import local
from vigil.core.models import Area, OutboundEmail
from vigil.core.records import VIGIL, made_in_vigil
from vigil.orders.models import LpaEmailRecipient, ProtectiveOrder

PURPOSE = "orders.daily"
ACTOR = "job:orders-daily"


@dataclass
class DailyEmail:
    lpa: Area
    to: list[str]
    subject: str
    body: str
    new: int
    live: int


def _reference(lpa: Area, day) -> str:
    return f"{PURPOSE}:{lpa.code}:{day.isoformat()}"


def _live(lpa_ids, today):
    return (ProtectiveOrder.objects.filter(lpa_id__in=lpa_ids, status="live")
            .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today)))


def build(as_of: datetime, lpas=None) -> list[DailyEmail]:
    """Every LPA's email as of `as_of` (one query for the orders of all of them)."""
    today = timezone.localtime(as_of).date()
    since = as_of - timedelta(days=1)
    recipients: dict[int, list[str]] = {}
    for lpa_id, email in (LpaEmailRecipient.objects.filter(active=True)
                          .order_by("email").values_list("lpa_id", "email")):
        recipients.setdefault(lpa_id, []).append(email)
    areas = {a.pk: a for a in (lpas or Area.objects.filter(pk__in=list(recipients)))}
    by_lpa: dict[int, list] = {pk: [] for pk in areas}
    rows = (_live(list(areas), today)
            .filter(Q(served_at__lte=as_of) | Q(served_at__isnull=True, starts_on__lte=today))
            .values_list("lpa_id", "source_system", "source_id", "order_type", "served_at",
                         "starts_on", "ends_on", "hearing_at", "subject__forename",
                         "subject__surname", "neighbourhood__name",
                         "crime__incident__neighbourhood__name", "pk")
            .order_by("lpa_id", "order_type", "ends_on", "pk"))
    for row in rows.iterator(chunk_size=5000):
        by_lpa[row[0]].append(row)
    site = settings.VIGIL_SITE_URL.rstrip("/")
    labels = dict(ProtectiveOrder._meta.get_field("order_type").choices)
    # Orders made in Vigil read as when and by whom (records.human_reference), in one query.
    made = made_in_vigil(ProtectiveOrder, [o[-1] for rows_ in by_lpa.values() for o in rows_
                                           if o[1] == VIGIL])
    out = []
    for pk, lpa in sorted(areas.items(), key=lambda kv: kv[1].name):
        orders = by_lpa.get(pk, [])
        new = [o for o in orders if _began(o) >= since]
        lines = [f"New and live protective orders in {lpa.name}, "
                 f"{timezone.localtime(as_of):%A %d %B %Y}.", ""]
        lines.append(f"New in the last 24 hours: {len(new)}")
        lines += [_line(o, labels, site, made) for o in new] or ["- none"]
        lines += ["", f"Live today: {len(orders)}"]
        counts = Counter(o[3] for o in orders)
        lines += [f"- {labels[t]}: {n}" for t, n in sorted(counts.items())]
        lines += ["", "Every live order:"]
        lines += [_line(o, labels, site, made) for o in orders] or ["- none"]
        lines += ["", f"Search the orders: {site}{reverse('orders:search')}",
                  "You get this email because you are on the daily orders list for "
                  f"{lpa.name} in Vigil. Ask your Vigil administrator to change the list.",
                  "", mail.MARKING]
        out.append(DailyEmail(lpa, recipients.get(pk, []),
                              f"New and live orders in {lpa.name}, {today:%d %b %Y}",
                              "\n".join(lines) + "\n", len(new), len(orders)))
    return out


def _began(o) -> datetime:
    """When an order row began: served or made, else the start of its first day."""
    return o[4] or local(o[5])


def _line(o, labels, site, made) -> str:
    (_, system, source_id, kind, served, starts_on, ends_on, hearing, fn, sn, hood,
     inc_hood, pk) = o
    begun = timezone.localtime(served).strftime("%d %b %Y %H:%M") if served else (
        starts_on.strftime("%d %b %Y") if starts_on else "")
    end = ends_on or (timezone.localtime(hearing).date() if hearing else None)
    where = hood or inc_hood or "neighbourhood not recorded"
    ref = made.get(pk, "made in Vigil") if system == VIGIL else f"{system} {source_id}"
    return (f"- {labels[kind]} {ref}: {fn} {sn.upper()}; {where}; "
            f"from {begun}; {'ends ' + end.strftime('%d %b %Y') if end else 'until further order'}"
            f" {site}{reverse('orders:detail', args=[pk])}")


def send_daily(*, as_of: datetime | None = None) -> int:
    """Queue each LPA's email, at most once a day per LPA; returns how many queued."""
    as_of = as_of or timezone.now()
    today = timezone.localtime(as_of).date()
    sent = 0
    for email in build(as_of):
        reference = _reference(email.lpa, today)
        if not email.to or OutboundEmail.objects.filter(purpose=PURPOSE,
                                                        reference=reference).exists():
            continue  # a retried or repeated run sends nothing twice
        with transaction.atomic():
            mail.queue(purpose=PURPOSE, to=email.to, subject=email.subject, body=email.body,
                       actor=ACTOR, reference=reference, area=email.lpa, at=as_of)
        sent += 1
    return sent


def expire_ended(*, as_of: datetime | None = None) -> int:
    """Close every live order whose end date has passed (through the write path, so the
    rules stop its checks and the audit log shows the job did it); returns how many."""
    from vigil.orders import services

    as_of = as_of or timezone.now()
    today = timezone.localtime(as_of).date()
    ended = (ProtectiveOrder.objects.filter(status="live", ends_on__lt=today)
             .select_related("subject").order_by("pk"))
    n = 0
    for order in ended.iterator(chunk_size=500):
        services.end_order(order, actor=ACTOR, status=ProtectiveOrder.Status.EXPIRED, at=as_of)
        n += 1
    return n


def daily_job() -> int:
    """The scheduled job (vigil worker): orders past their end closed, then the emails."""
    now = timezone.now()
    expire_ended(as_of=now)
    return send_daily(as_of=now)
