"""The second factor: a TOTP code from an authenticator app (django-otp).

Roles in settings.VIGIL_OTP_ROLES are sent here after their password until they
give a code this session. The first time, the page shows a QR code and key to
add Vigil to an authenticator app; a correct code confirms it. Each attempt is
audited; django-otp slows repeated wrong codes down on its own.
"""

from __future__ import annotations

import base64

from django.conf import settings
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from vigil.core import audit
from vigil.core.middleware import needs_second_factor


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or settings.LOGIN_REDIRECT_URL
    if not url_has_allowed_host_and_scheme(target, {request.get_host()},
                                           require_https=request.is_secure()):
        return "/"
    return target if target.startswith("/") else "/"


def _qr_data_uri(device: TOTPDevice) -> str:
    import segno

    return segno.make(device.config_url, error="m").svg_data_uri(scale=5)


def two_factor(request):
    user = request.user
    if not needs_second_factor(user):
        return redirect(_next(request))
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    enrolling = device is None
    if enrolling:
        device, _ = TOTPDevice.objects.get_or_create(
            user=user, confirmed=False, defaults={"name": "Authenticator app"})
    error = ""
    if request.method == "POST":
        token = "".join(ch for ch in request.POST.get("token", "") if ch.isdigit())
        if token and device.verify_token(token):
            if enrolling:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                audit.record(user, audit.UPDATE, user, context="two-factor",
                             detail={"second_factor": "enrolled"})
            otp_login(request, device)
            audit.record(user, audit.LOGIN, user, context="two-factor",
                         detail={"second_factor": "totp"})
            return redirect(_next(request))
        audit.record(user, audit.DENIED, user, context="two-factor",
                     detail={"reason": "bad_second_factor"})
        error = "Enter the 6-digit code your authenticator app shows now"
    context = {"enrolling": enrolling, "error": error, "next": _next(request)}
    if enrolling:
        context["qr"] = _qr_data_uri(device)
        context["key"] = base64.b32encode(device.bin_key).decode()
    return render(request, "core/two_factor.html", context)
