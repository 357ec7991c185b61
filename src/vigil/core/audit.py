"""The audit log: who did or viewed what, when, and why.

Calls are explicit (not signals, which miss bulk writes and hide intent):

    audit.record(request.user, audit.VIEW, person, context=audit.context_from_request(request))

The why-context is where the user really came from: the Vigil page the server
last showed this session (kept in a signed cookie, `vigil.core.middleware`), or
the referring page when it is one of the last few the server showed. It never
comes from a parameter the user controls (`?ctx=` is ignored). It is stored as a
place name ("queue:marac", "person:12", "search") or else a path; query strings are
never stored: they may hold search terms.

An audit write never fails the page it records: if the database refuses it
(SQLite busy under a long import), the event goes to the `vigil.audit` log and
the fallback file in the data directory, from which `flush_fallback` replays it.

A refusal found inside a service's transaction (`refused`) is written after that
transaction rolls back, so the refusal itself is never rolled back with it.
"""

from __future__ import annotations

import json
import logging
import re
import threading
from datetime import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.db import DatabaseError, models, transaction
from django.urls import Resolver404, resolve
from django.utils import timezone

from vigil.core.models import AuditEvent

VIEW = AuditEvent.Action.VIEW
SEARCH = AuditEvent.Action.SEARCH
EXPORT = AuditEvent.Action.EXPORT
CREATE = AuditEvent.Action.CREATE
UPDATE = AuditEvent.Action.UPDATE
DELETE = AuditEvent.Action.DELETE
LINK = AuditEvent.Action.LINK
UNLINK = AuditEvent.Action.UNLINK
IMPORT = AuditEvent.Action.IMPORT
LOGIN = AuditEvent.Action.LOGIN
LOGOUT = AuditEvent.Action.LOGOUT
DENIED = AuditEvent.Action.DENIED

_CONTEXT_MAX = AuditEvent._meta.get_field("context").max_length
# A ctx value names a place in Vigil, never free text.
_CTX_RE = re.compile(r"^[A-Za-z0-9_:./-]{1,120}$")
TRAIL_COOKIE = "vigil_trail"
TRAIL_SALT = "vigil.core.audit.trail"
TRAIL_LENGTH = 8
log = logging.getLogger("vigil.audit")
_pending = threading.local()
AUDIT_WAIT_MS = 1000


def object_type_of(obj_or_type) -> str:
    """'people.person' for a model instance or class; a string is used as given."""
    if isinstance(obj_or_type, str):
        return obj_or_type
    if isinstance(obj_or_type, models.Model) or (
        isinstance(obj_or_type, type) and issubclass(obj_or_type, models.Model)
    ):
        return obj_or_type._meta.label_lower
    raise TypeError(f"audit: expected a model or a type name, got {type(obj_or_type).__name__}")


def record(user, action: str, obj_or_type, object_id=None, context: str = "",
           detail: dict | None = None, *, at: datetime | None = None) -> AuditEvent:
    """Write one audit event.

    `user` is a User, or a string naming a system actor ("import", "rules"), or None
    for an anonymous attempt. `object_id` defaults to the instance's primary key.
    """
    if action not in AuditEvent.Action.values:
        raise ValueError(f"audit: unknown action {action!r}; "
                         f"choose one of {', '.join(AuditEvent.Action.values)}")
    if object_id is None and isinstance(obj_or_type, models.Model):
        object_id = obj_or_type.pk
    account = user if getattr(user, "is_authenticated", False) else None
    if account is not None:
        actor = account.get_username()
    elif isinstance(user, str) and user:
        actor = user
    else:
        actor = "anonymous"
    event = AuditEvent(
        at=at or timezone.now(), user=account, actor=actor[:150], action=action,
        object_type=object_type_of(obj_or_type), object_id="" if object_id is None
        else str(object_id), context=(context or "")[:_CONTEXT_MAX], detail=detail or {},
    )
    if _in_change():
        # Part of a change: it must commit or roll back with the change it records.
        event.save()
        return event
    try:
        with _short_wait():
            event.save()
    except DatabaseError as exc:
        _fallback(event, exc)
    return event


class _short_wait:
    """On SQLite, wait at most AUDIT_WAIT_MS for a writer (a long import) before falling back."""

    def __enter__(self):
        conn = transaction.get_connection()
        self.sqlite = conn.vendor == "sqlite"
        if self.sqlite:
            with conn.cursor() as cur:
                cur.execute(f"PRAGMA busy_timeout = {AUDIT_WAIT_MS}")

    def __exit__(self, *exc):
        if self.sqlite:
            conn = transaction.get_connection()
            if conn.connection is not None:
                timeout = int(conn.settings_dict.get("OPTIONS", {}).get("timeout", 5) * 1000)
                with conn.cursor() as cur:
                    cur.execute(f"PRAGMA busy_timeout = {timeout}")
        return False


def _in_change() -> bool:
    return transaction.get_connection().in_atomic_block


def _fallback(event: AuditEvent, exc: Exception) -> None:
    """Keep an event the database refused (busy), so the page still answers."""
    row = {"at": event.at.isoformat(), "user_id": event.user_id, "actor": event.actor,
           "action": event.action, "object_type": event.object_type,
           "object_id": event.object_id, "context": event.context, "detail": event.detail}
    log.error("audit write deferred (%s): %s", exc, json.dumps(row))
    with open(fallback_path(), "a", encoding="utf-8") as fh:
        fh.write(json.dumps(row) + "\n")


def fallback_path():
    return settings.DATA_DIR / "audit-fallback.jsonl"


def flush_fallback() -> int:
    """Write the events kept while the database was busy; returns how many."""
    path = fallback_path()
    if not path.exists():
        return 0
    pending = path.with_suffix(".replaying")
    path.replace(pending)
    rows = [json.loads(line) for line in pending.read_text().splitlines() if line.strip()]
    with transaction.atomic():
        AuditEvent.objects.bulk_create(
            AuditEvent(**{**r, "at": datetime.fromisoformat(r["at"])}) for r in rows)
    pending.unlink()
    return len(rows)


# --- Refusals found inside a service's transaction ----------------------------

def refused(actor, capability: str, obj_or_type, object_id=None, *, reason: str,
            context: str = "") -> None:
    """Record a service-layer refusal; written now, or after the enclosing transaction.

    Services call this just before raising their domain error: the raise rolls the
    transaction back, and a row written inside it would be lost with it.
    """
    row = (actor, DENIED, obj_or_type, object_id, context,
           {"capability": capability, "reason": reason, "layer": "service"})
    if _in_change():
        if not hasattr(_pending, "rows"):
            _pending.rows = []
        _pending.rows.append(row)
    else:
        record(*row)


def flush_refusals() -> int:
    """Write the refusals held back by `refused`; called when a request or command ends."""
    rows = getattr(_pending, "rows", [])
    _pending.rows = []
    for row in rows:
        record(*row)
    return len(rows)


# --- The why-context ----------------------------------------------------------

def read_trail(request) -> list[str]:
    """The paths of the last pages the server showed this browser, oldest first."""
    try:
        raw = request.get_signed_cookie(TRAIL_COOKIE, salt=TRAIL_SALT)
        trail = json.loads(raw)
    except (KeyError, signing.BadSignature, ValueError):
        return []
    return [p for p in trail if isinstance(p, str)][-TRAIL_LENGTH:]


def extend_trail(request, response) -> None:
    """After a page is shown: remember its path (never its query string)."""
    trail = [p for p in read_trail(request) if p != request.path] + [request.path]
    response.set_signed_cookie(
        TRAIL_COOKIE, json.dumps(trail[-TRAIL_LENGTH:]), salt=TRAIL_SALT, httponly=True,
        samesite="Lax", secure=settings.SESSION_COOKIE_SECURE,
        max_age=settings.SESSION_COOKIE_AGE)


def context_from_request(request) -> str:
    """The why-context: the page the user came from, as the server itself showed it.

    The Referer counts only when it names a page in the trail the server signed;
    otherwise the last page shown. A user can neither type nor forge it.
    """
    trail = read_trail(request)
    if not trail:
        return ""
    place = trail[-1]
    referer = request.headers.get("Referer", "")
    if referer:
        parts = urlsplit(referer)
        if (not parts.netloc or parts.netloc == request.get_host()) and parts.path in trail:
            place = parts.path
    return place_name(place)[:_CONTEXT_MAX]


# Where a page is, in words the audit log reads well in: {url name: label}.
_PLACES = {
    "home": "home", "login": "login", "linkage:search": "search",
    "linkage:review": "linkage-review",
    "safeguarding:queues": "queues", "safeguarding:queue": "queue:{team}",
    "people:detail": "person:{pk}", "incidents:detail": "incident:{pk}",
    "linkage:person": "linkage:{pk}", "analytics:dashboard": "dashboard",
    "analytics:kpi": "kpi:{kpi_id}", "audit-log": "audit-log",
}


def place_name(path: str) -> str:
    try:
        match = resolve(path)
    except Resolver404:
        return path
    label = _PLACES.get(match.view_name)
    if label is None:
        return path
    try:
        return label.format(**match.kwargs)
    except KeyError:
        return path


def with_context(url: str, ctx: str) -> str:
    """A link that carries the why-context to the page it opens."""
    if not _CTX_RE.match(ctx):
        raise ValueError(f"audit: context {ctx!r} must match {_CTX_RE.pattern}")
    return f"{url}{'&' if '?' in url else '?'}ctx={ctx}"
