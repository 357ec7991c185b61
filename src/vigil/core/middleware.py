"""Every page needs a signed-in user, except the login page and static files.

Pages shown to a signed-in user hold personal data, so unless a view says
otherwise they are marked not to be stored by browsers or proxies. Each page
shown is added to the signed trail the audit's why-context comes from, and
refusals a service held back are written once the request's transactions end.

Privileged roles (settings.VIGIL_OTP_ROLES) reach nothing but the second-factor
page until they have given a one-time code this session.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers

from vigil.core import audit

OPEN_PREFIXES = ("/login", "/static/", "/healthz")


class LoginRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.user.is_authenticated and not request.path.startswith(OPEN_PREFIXES):
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        try:
            response = self.get_response(request)
        finally:
            audit.flush_refusals()
        if request.path.startswith("/static/"):
            return response
        if request.user.is_authenticated and not response.has_header("Cache-Control"):
            add_never_cache_headers(response)
        if (request.method == "GET" and response.status_code == 200
                and response.get("Content-Type", "").startswith("text/html")):
            audit.extend_trail(request, response)
        return response


def needs_second_factor(user) -> bool:
    return (user.is_authenticated and user.role in settings.VIGIL_OTP_ROLES
            and not user.is_verified())


SECOND_FACTOR_OPEN = ("/account/two-factor/", "/logout/", "/static/", "/healthz", "/login")


class SecondFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if needs_second_factor(request.user) and not request.path.startswith(SECOND_FACTOR_OPEN):
            target = reverse("two-factor")
            return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
