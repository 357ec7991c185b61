"""System checks for a deployment (`manage.py check --deploy`).

Django's own deploy checks cover cookies, HSTS and HTTPS; these add Vigil's: a
signing key of its own, a Content-Security-Policy with no inline script, and a
second factor for the privileged roles.
"""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register


@register(Tags.security, deploy=True)
def check_deployment(app_configs, **kwargs):
    problems = []
    if getattr(settings, "SECRET_KEY_SOURCE", "") == "ephemeral":
        problems.append(Error(
            "VIGIL_SECRET_KEY is not set and no key is kept in the data directory.",
            hint="Set VIGIL_SECRET_KEY to a long random value (docs/deploy.md).",
            id="vigil.E001"))
    directives = getattr(settings, "CONTENT_SECURITY_POLICY", {}).get("DIRECTIVES", {})
    scripts = directives.get("script-src", directives.get("default-src", []))
    if not scripts or any("unsafe" in s for s in scripts):
        problems.append(Warning(
            "The Content-Security-Policy allows inline or eval'd script.",
            hint="script-src must be 'self' only.", id="vigil.W001"))
    if not {"admin"} <= set(getattr(settings, "VIGIL_OTP_ROLES", ())):
        problems.append(Warning(
            "Administrators can sign in without a second factor.",
            hint="Leave VIGIL_OTP_ROLES unset, or include admin.", id="vigil.W002"))
    if settings.DEBUG:
        problems.append(Error("VIGIL_DEBUG is on.", id="vigil.E002"))
    return problems


def refuse_to_serve_without_key() -> None:
    """Called by the web entry points: no public or throwaway key outside debug."""
    from django.core.exceptions import ImproperlyConfigured

    if settings.SECRET_KEY_SOURCE == "ephemeral" and not settings.DEBUG:
        raise ImproperlyConfigured(
            "Vigil will not serve without its own signing key: set VIGIL_SECRET_KEY to a long "
            "random value (python -c 'import secrets; print(secrets.token_urlsafe(50))'), "
            "or run `vigil demo`, which keeps one in its data directory. See docs/deploy.md.")
