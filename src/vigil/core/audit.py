"""The audit log: who did or viewed what, when, and why.

Calls are explicit (not signals, which miss bulk writes and hide intent):

    audit.record(request.user, audit.VIEW, person, context=audit.context_from_request(request))

The why-context is where the user came from: a `?ctx=` parameter that queue and
search links add (e.g. "queue:marac", "search"), or else the path of the
referring Vigil page. Query strings are never stored: they may hold search terms.
"""

from __future__ import annotations

import re
from datetime import datetime
from urllib.parse import urlsplit

from django.db import models
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
    return AuditEvent.objects.create(
        at=at or timezone.now(), user=account, actor=actor[:150], action=action,
        object_type=object_type_of(obj_or_type), object_id="" if object_id is None
        else str(object_id), context=(context or "")[:_CONTEXT_MAX], detail=detail or {},
    )


def context_from_request(request) -> str:
    """The why-context: `?ctx=` if well formed, else the referring Vigil path."""
    ctx = request.GET.get("ctx", "") or request.POST.get("ctx", "")
    if ctx and _CTX_RE.match(ctx):
        return ctx
    referer = request.headers.get("Referer", "")
    if referer:
        parts = urlsplit(referer)
        if not parts.netloc or parts.netloc == request.get_host():
            return parts.path[:_CONTEXT_MAX]
    return ""


def with_context(url: str, ctx: str) -> str:
    """A link that carries the why-context to the page it opens."""
    if not _CTX_RE.match(ctx):
        raise ValueError(f"audit: context {ctx!r} must match {_CTX_RE.pattern}")
    return f"{url}{'&' if '?' in url else '?'}ctx={ctx}"
