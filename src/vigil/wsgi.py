"""The WSGI entry point for gunicorn (`vigil serve --production`, docs/deploy.md)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vigil.settings")
application = get_wsgi_application()

from vigil.core.deploy_checks import refuse_to_serve_without_key  # noqa: E402  (needs settings)

refuse_to_serve_without_key()
