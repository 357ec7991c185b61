"""Settings from environment variables, with an embedded SQLite default.

VIGIL_DATA_DIR        where the SQLite database, snapshots and reports live (./var)
VIGIL_DATABASE_URL    e.g. postgres://user@127.0.0.1:5432/vigil (default: SQLite in the data dir)
VIGIL_SECRET_KEY      required when VIGIL_DEBUG is off
VIGIL_DEBUG           "1" for development
VIGIL_ALLOWED_HOSTS   comma separated
VIGIL_POLICY_FILE     JSON file of policy overrides (see vigil.core.policy)
VIGIL_EMAIL_HOST      SMTP server for the daily digest (localhost); VIGIL_EMAIL_PORT (25)
VIGIL_EMAIL_FROM      sender of Vigil's email (vigil@localhost)
VIGIL_SITE_URL        the address links in email point to (http://127.0.0.1:8000)
"""

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("VIGIL_DATA_DIR", Path.cwd() / "var")).resolve()

DEBUG = os.environ.get("VIGIL_DEBUG", "0") == "1"
# The default key is for the embedded demo only; production sets its own.
SECRET_KEY = os.environ.get(
    "VIGIL_SECRET_KEY", "insecure-development-key-do-not-use-in-production"
)
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
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "vigil.core.middleware.LoginRequiredMiddleware",
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
        "timeout": 30,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)

AUTH_USER_MODEL = "core.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
SESSION_COOKIE_AGE = 8 * 60 * 60  # one shift
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

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
