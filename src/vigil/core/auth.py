"""Sign-in auditing, the client address, who may change whose role, and the signed-in
user read with their area.

Every sign-in path (Vigil's own page, /admin/login/, anything that calls
django.contrib.auth.login) sends Django's auth signals, so auditing them here
covers all of them; django-axes sends `user_locked_out` when it refuses one.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from vigil.core import audit


class ModelBackendWithArea(ModelBackend):
    """Django's password backend, reading the signed-in user with their area in one
    query: every page shows the area beside the user's name, and most users have one."""

    def get_user(self, user_id):
        model = get_user_model()
        try:
            user = model._default_manager.select_related("area").get(pk=user_id)
        except model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None


def client_ip(request) -> str:
    """The client's address: REMOTE_ADDR, or what the trusted proxy put in X-Forwarded-For.

    Only the last `VIGIL_TRUSTED_PROXIES` entries are believed: a client can write
    anything it likes at the front of the header.
    """
    trusted = getattr(settings, "VIGIL_TRUSTED_PROXIES", 0)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if trusted and forwarded:
        hops = [h.strip() for h in forwarded.split(",") if h.strip()]
        if len(hops) >= trusted:
            return hops[-trusted]
    return request.META.get("REMOTE_ADDR", "")


def _where(request) -> str:
    if request is None:
        return "login"
    return "admin-login" if request.path.startswith("/admin/") else "login"


def _over_http(request) -> bool:
    """A sign-in made by a web request (not a bare HttpRequest built in code, as the
    test client's force_login does)."""
    return request is not None and bool(request.META.get("REQUEST_METHOD"))


@receiver(user_logged_in)
def _audit_login(sender, request, user, **kwargs):
    if not _over_http(request):
        return
    audit.record(user, audit.LOGIN, user, context=_where(request),
                 detail={"ip": client_ip(request) if request else ""})


@receiver(user_logged_out)
def _audit_logout(sender, request, user, **kwargs):
    if user is not None and _over_http(request):
        audit.record(user, audit.LOGOUT, user, context="logout")


@receiver(user_login_failed)
def _audit_failed_login(sender, credentials, request=None, **kwargs):
    # The attempted name is kept (truncated) so guessing shows; never the password.
    attempted = str(credentials.get("username", ""))[:150]
    audit.record(None, audit.DENIED, "core.user", context=_where(request),
                 detail={"reason": "failed_login", "username": attempted,
                         "ip": client_ip(request) if request else ""})


def _audit_lockout(sender, request, username, ip_address, **kwargs):
    audit.record(None, audit.DENIED, "core.user", context=_where(request),
                 detail={"reason": "locked_out", "username": str(username or "")[:150],
                         "ip": ip_address or ""})


def connect_axes() -> None:
    from axes.signals import user_locked_out

    user_locked_out.connect(_audit_lockout, dispatch_uid="vigil-audit-lockout")


# --- Roles and areas ------------------------------------------------------------

PRIVILEGE_FIELDS = ("role", "area", "is_staff", "is_superuser", "is_active")


def own_privilege_fields(actor, target) -> tuple[str, ...]:
    """Fields an account may not change on itself: nobody raises their own role or area."""
    if target is not None and actor.pk is not None and target.pk == actor.pk:
        return PRIVILEGE_FIELDS
    return ()


def privilege_changes(before, after) -> dict:
    """{field: [old, new]} for each privilege field that differs (areas by code)."""
    def show(user, field):
        if field == "area":
            return user.area.code if user.area_id else None
        return getattr(user, field)

    changes = {}
    for field in PRIVILEGE_FIELDS:
        old = show(before, field) if before is not None else None
        new = show(after, field)
        if before is None or old != new:
            changes[field] = [old, new]
    return changes
