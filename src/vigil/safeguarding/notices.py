"""Notices: a task assigned to me, a high-risk case in my team's queue, my task due soon.

Assignment notices are written by ownership.assign in its transaction. The other
two come from `sweep()`, a scheduled job: it is idempotent (each notice has a key),
so it can run every few minutes and after a missed run. `send_digests()` emails
the opted-in users once a day.

Scope: a notice is written only for a user who works the task's team in its area,
and is shown (in the app and in the digest) only while that is still true, so a
notice never names a record its reader may not see. The digest email carries task
types, the force's references and links; no names.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from vigil.core import audit, mail, roles
from vigil.core.policy import current
from vigil.safeguarding import kinds, references
from vigil.safeguarding.models import Flag, Notice, NoticePreference, Task

HIGH_RISK_LOOKBACK = timedelta(days=1)  # a task that began within a day "has just landed"
SYSTEM_ACTOR = "notices"


def visible(user) -> QuerySet:
    """The user's notices about tasks they may still see (team and area)."""
    teams = roles.teams_for(user)
    qs = Notice.objects.filter(user_id=getattr(user, "pk", None), task__team__in=teams)
    allowed = roles.area_ids(user)
    if allowed is not None:
        qs = qs.filter(task__lpa_id__in=allowed)
    return qs.select_related("task", "task__lpa")


def unread_count(user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return visible(user).filter(read_at__isnull=True).count()


def mark_read(*, actor, notice_ids=None, at: datetime | None = None) -> int:
    """Mark the actor's own notices read (all unread ones when no ids are given)."""
    at = at or timezone.now()
    qs = Notice.objects.filter(user_id=actor.pk, read_at__isnull=True)
    if notice_ids is not None:
        qs = qs.filter(pk__in=list(notice_ids))
    with transaction.atomic():
        n = qs.update(read_at=at)
        if n:
            audit.record(actor, audit.UPDATE, "safeguarding.notice", "", context="notices",
                         detail={"read": n}, at=at)
    return n


def set_digest(*, actor, enabled: bool) -> NoticePreference:
    with transaction.atomic():
        pref, _ = NoticePreference.objects.get_or_create(user=actor)
        if pref.email_digest != enabled:
            pref.email_digest = enabled
            pref.save(update_fields=["email_digest"])
            audit.record(actor, audit.UPDATE, pref, context="notices",
                         detail={"email_digest": enabled})
    return pref


def digest_enabled(user) -> bool:
    return NoticePreference.objects.filter(user_id=user.pk, email_digest=True).exists()


def _workers_by_team_area() -> dict[tuple[str, int | None], list[int]]:
    """(team, LPA id or None for force-wide) -> ids of active users who work it."""
    out: dict[tuple[str, int | None], list[int]] = {}
    for pk, role, area_id in get_user_model().objects.filter(is_active=True).values_list(
            "pk", "role", "area_id"):
        for cap in roles.ROLE_CAPABILITIES.get(role, ()):
            if cap.startswith("complete_task:"):
                out.setdefault((cap.split(":", 1)[1], area_id), []).append(pk)
    return out


def sweep(*, as_of: datetime | None = None) -> int:
    """Write the high-risk and due-soon notices owed at `as_of`; returns how many are new."""
    as_of = as_of or timezone.now()
    workers = _workers_by_team_area()
    notices: list[Notice] = []
    high_risk = Flag.objects.filter(kind="risk_high", raised_at__lte=as_of).filter(
        Q(expires_at__isnull=True) | Q(expires_at__gt=as_of)).values("person_id")
    landed = Task.objects.filter(status=Task.Status.OPEN, starts_at__lte=as_of,
                                 starts_at__gt=as_of - HIGH_RISK_LOOKBACK,
                                 person_id__in=high_risk)
    for task_id, team, lpa_id in landed.values_list("pk", "team", "lpa_id"):
        recipients = workers.get((team, None), []) + (
            workers.get((team, lpa_id), []) if lpa_id is not None else [])
        notices += [Notice(key=f"high_risk:{task_id}:{uid}", user_id=uid, task_id=task_id,
                           kind=Notice.Kind.HIGH_RISK, created_at=as_of) for uid in recipients]
    soon = as_of + timedelta(hours=current().task_due_soon_hours)
    due = Task.objects.filter(status=Task.Status.OPEN, claimed_by__isnull=False,
                              due_at__gt=as_of, due_at__lte=soon).select_related("claimed_by")
    for task in due:
        user = task.claimed_by
        if user.is_active and roles.can(user, roles.complete_task(task.team)) and (
                roles.area_ids(user) is None or task.lpa_id in roles.area_ids(user)):
            notices.append(Notice(key=f"due_soon:{task.pk}:{user.pk}:{task.due_at:%Y%m%d%H%M}",
                                  user=user, task=task, kind=Notice.Kind.DUE_SOON,
                                  created_at=as_of))
    keys = [n.key for n in notices]
    existing = set()
    for i in range(0, len(keys), 2000):
        existing |= set(Notice.objects.filter(key__in=keys[i:i + 2000])
                        .values_list("key", flat=True))
    new = [n for n in notices if n.key not in existing]
    with transaction.atomic():
        Notice.objects.bulk_create(new, batch_size=2000, ignore_conflicts=True)
        if new:
            audit.record(SYSTEM_ACTOR, audit.CREATE, "safeguarding.notice", "",
                         context="job:notices-sweep",
                         detail={"as_of": as_of.isoformat(), "new": len(new)}, at=as_of)
    return len(new)


def sweep_job() -> int:
    """The scheduled job (vigil worker): sweep as of now."""
    return sweep()


# --- The daily digest -------------------------------------------------------------

def _site_url() -> str:
    return getattr(settings, "VIGIL_SITE_URL", "http://127.0.0.1:8000").rstrip("/")


def digest_text(user, *, as_of: datetime) -> tuple[str, list[Notice]] | None:
    """The digest body for one user, and the notices it reports; None if nothing to say."""
    from vigil.safeguarding import queries

    fresh = list(visible(user).filter(read_at__isnull=True, emailed_at__isnull=True)
                 .order_by("created_at", "id")[:50])
    mine = queries.my_work(user, as_of=as_of)
    open_n = mine.count()
    overdue_n = mine.filter(due_at__lt=as_of).count()
    if not fresh and not open_n:
        return None
    refs = references.source_references(n.task.subject for n in fresh)
    site = _site_url()
    lines = [
        "OFFICIAL-SENSITIVE",
        "",
        f"Vigil: your work on {timezone.localtime(as_of):%A %d %B %Y}",
        "",
        f"You hold {open_n} open task{'s' if open_n != 1 else ''}, "
        f"{overdue_n} overdue: {site}{reverse('work:mine')}",
    ]
    if fresh:
        lines += ["", "New notices:"]
        for n in fresh:
            ref = refs.get(n.task.subject, "")
            due = timezone.localtime(n.task.due_at)
            lines.append(f"- {n.get_kind_display()}: {kinds.label(n.task.kind)}"
                         f"{' ' + ref if ref else ''}, due {due:%d %b %H:%M}")
        lines.append(f"All notices: {site}{reverse('work:notices')}")
    lines += ["", "You get this email because you asked for the daily digest in Vigil. "
              f"Turn it off on {site}{reverse('work:notices')}.", "", "OFFICIAL-SENSITIVE"]
    return "\n".join(lines) + "\n", fresh


def send_digests(*, as_of: datetime | None = None) -> int:
    """Email each opted-in user their digest, at most once a day; returns how many sent."""
    as_of = as_of or timezone.now()
    today = timezone.localtime(as_of).date()
    sent = 0
    prefs = NoticePreference.objects.filter(email_digest=True, user__is_active=True).exclude(
        user__email="").select_related("user", "user__area")
    for pref in prefs:
        if pref.last_digest_at and timezone.localtime(pref.last_digest_at).date() >= today:
            continue  # a retried or repeated run sends nothing twice
        body = digest_text(pref.user, as_of=as_of)
        with transaction.atomic():
            if body is not None:
                text, fresh = body
                mail.queue(purpose="safeguarding.digest", to=[pref.user.email],
                           subject="your Vigil work today", body=text, actor=SYSTEM_ACTOR,
                           reference=f"digest:{pref.user.get_username()}", at=as_of)
                Notice.objects.filter(pk__in=[n.pk for n in fresh]).update(emailed_at=as_of)
                sent += 1
            pref.last_digest_at = as_of
            pref.save(update_fields=["last_digest_at"])
    return sent


def digest_job() -> int:
    """The scheduled job (vigil worker): today's digests."""
    return send_digests()
