"""Every page needs a signed-in user, except the login page and static files.

Pages shown to a signed-in user hold personal data, so unless a view says
otherwise they are marked not to be stored by browsers or proxies.
"""

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.utils.cache import add_never_cache_headers

OPEN_PREFIXES = ("/login", "/static/", "/healthz")


class LoginRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.user.is_authenticated and not request.path.startswith(OPEN_PREFIXES):
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        response = self.get_response(request)
        if (request.user.is_authenticated and not request.path.startswith("/static/")
                and not response.has_header("Cache-Control")):
            add_never_cache_headers(response)
        return response
