"""Settings from environment variables, with an embedded SQLite default.

VIGIL_DATA_DIR        where the SQLite database, snapshots and reports live (./var)
VIGIL_DATABASE_URL    e.g. postgres://user@127.0.0.1:5432/vigil (default: SQLite in the data dir)
VIGIL_SECRET_KEY      the signing key; without it, a key kept in DATA_DIR/secret_key (the demo
                      makes one); with neither, the web server refuses to start unless debugging
VIGIL_DEBUG           "1" for development
VIGIL_HTTPS           "1" behind a TLS proxy (production): Secure cookies, HSTS, HTTPS redirect
VIGIL_ALLOWED_HOSTS   comma separated
VIGIL_OTP_ROLES       comma separated roles that must use a second factor (default: admin,
                      lpa_commander, analyst); "none" to switch it off (never in production)
VIGIL_POLICY_FILE     JSON file of policy overrides (see vigil.core.policy)
VIGIL_EMAIL_HOST      SMTP server for the daily digest (localhost); VIGIL_EMAIL_PORT (25)
VIGIL_EMAIL_FROM      sender of Vigil's email (vigil@localhost)
VIGIL_SITE_URL        the address links in email point to (http://127.0.0.1:8000)
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("VIGIL_DATA_DIR", Path.cwd() / "var")).resolve()

DEBUG = os.environ.get("VIGIL_DEBUG", "0") == "1"
HTTPS = os.environ.get("VIGIL_HTTPS", "0") == "1"
SECRET_KEY_FILE = DATA_DIR / "secret_key"


def _secret_key() -> tuple[str, str]:
    """The signing key and where it came from: never a public default.

    With no key set or kept, a random one serves commands that sign nothing
    lasting; the web server refuses to start on it (vigil.core.deploy_checks).
    """
    if os.environ.get("VIGIL_SECRET_KEY"):
        return os.environ["VIGIL_SECRET_KEY"], "environment"
    if SECRET_KEY_FILE.is_file():
        return SECRET_KEY_FILE.read_text().strip(), "data-dir"
    return secrets.token_urlsafe(50), "ephemeral"


SECRET_KEY, SECRET_KEY_SOURCE = _secret_key()
ALLOWED_HOSTS = [h for h in os.environ.get("VIGIL_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
                 if h]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_q",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "vigil.core",
    "vigil.people",
    "vigil.people.linkage",
    "vigil.incidents",
    "vigil.risk",
    "vigil.orders",
    "vigil.marac",
    "vigil.encompass",
    "vigil.disclosure",
    "vigil.controlroom",
    "vigil.victims",
    "vigil.safeguarding",
    "vigil.analytics",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "vigil.core.middleware.LoginRequiredMiddleware",
    "vigil.core.middleware.SecondFactorMiddleware",
    # Last, so a lockout answers before the login view runs.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "vigil.urls"
WSGI_APPLICATION = "vigil.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "vigil.core.context_processors.navigation",
            ],
        },
    },
]

_default_db = f"sqlite:///{DATA_DIR / 'vigil.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("VIGIL_DATABASE_URL", _default_db), conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web app read while an import or rules run writes.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        # A page waits this long for a writer before giving up; long writes commit in
        # batches, and a dry-run import holds no write lock (vigil.ingest).
        "timeout": 30,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)

AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    # Axes first: it refuses a locked-out name or address before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, the user read with their area (sessions made before it
    # named ModelBackend: those users sign in again once).
    "vigil.core.auth.ModelBackendWithArea",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
     "OPTIONS": {"user_attributes": ("username", "first_name", "last_name", "email"),
                 "max_similarity": 0.5}},
    {"NAME": "vigil.core.passwords.NotUsernameValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "vigil.core.passwords.RepeatedCharacterValidator"},
]
SESSION_COOKIE_AGE = 8 * 60 * 60  # one shift
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "vigil.core.views.csrf_failure"
X_FRAME_OPTIONS = "DENY"

# Sign-in throttling (django-axes): five wrong passwords for one account, or from one
# address, lock it for 30 minutes. Every attempt is also in the audit log.
AXES_FAILURE_LIMIT = int(os.environ.get("VIGIL_LOGIN_FAILURE_LIMIT", "5"))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_COOLOFF_TIME = 0.5  # hours
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "core/locked_out.html"
AXES_VERBOSE = False
AXES_CLIENT_IP_CALLABLE = "vigil.core.auth.client_ip"
# Behind the TLS proxy the client is the address the proxy saw (docs/deploy.md).
VIGIL_TRUSTED_PROXIES = int(os.environ.get("VIGIL_TRUSTED_PROXIES", "1" if HTTPS else "0"))

# A second factor (TOTP) for the roles that reach accounts, audit or force-wide figures.
_otp_roles = os.environ.get("VIGIL_OTP_ROLES", "admin,lpa_commander,analyst")
VIGIL_OTP_ROLES = frozenset() if _otp_roles == "none" else frozenset(
    r for r in _otp_roles.split(",") if r)
OTP_TOTP_ISSUER = "Vigil"

# No inline script or style anywhere: everything comes from our own static files.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if HTTPS:
    # TLS ends at the proxy (docs/deploy.md), which says so in X-Forwarded-Proto.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 365 * 24 * 60 * 60
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns on a missing root
STATICFILES_DIRS = [BASE_DIR / "static"]
WHITENOISE_USE_FINDERS = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

VIGIL_POLICY_FILE = os.environ.get("VIGIL_POLICY_FILE")

# Background and scheduled jobs: django-q2 with the database as its broker, so the
# embedded SQLite default needs no other service (docs/adr/0005-job-runner.md).
# `vigil worker` runs the cluster. VIGIL_JOBS_SYNC=1 runs each job in the caller
# (tests, and the demo when no worker runs).
Q_CLUSTER = {
    "name": "vigil",
    "orm": "default",
    "workers": int(os.environ.get("VIGIL_JOB_WORKERS", "1")),
    "timeout": 1800,  # the longest job (a full board report at force scale)
    "retry": 2400,  # must exceed timeout, or a slow job is started twice
    "max_attempts": 3,
    "catch_up": False,  # a missed daily digest is sent once, not once per missed day
    "ack_failures": True,
    "save_limit": 1000,
    "label": "Background jobs",
}
VIGIL_JOBS_SYNC = os.environ.get("VIGIL_JOBS_SYNC") == "1"

EMAIL_HOST = os.environ.get("VIGIL_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("VIGIL_EMAIL_PORT", "25"))
DEFAULT_FROM_EMAIL = os.environ.get("VIGIL_EMAIL_FROM", "vigil@localhost")
VIGIL_SITE_URL = os.environ.get("VIGIL_SITE_URL", "http://127.0.0.1:8000")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("VIGIL_LOG_LEVEL", "WARNING")},
}
