"""Settings come from the environment; the defaults are safe for a laptop, never for production.

With DEBUG=0 the app refuses to start unless SECRET_KEY and ALLOWED_HOSTS are set, so a
forgotten variable fails loudly at boot instead of running with a development key.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("LINLI_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
if DEBUG:
    SECRET_KEY = SECRET_KEY or "dev-only-insecure-key-do-not-use-in-production"
    ALLOWED_HOSTS = ALLOWED_HOSTS or ["127.0.0.1", "localhost", "[::1]", "testserver"]
else:
    missing = [
        n for n, v in (("SECRET_KEY", SECRET_KEY), ("ALLOWED_HOSTS", ALLOWED_HOSTS)) if not v
    ]
    if missing:
        raise ImproperlyConfigured(
            f"DEBUG=0 requires these environment variables: {', '.join(missing)}"
        )
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SECURE_REFERRER_POLICY = "same-origin"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "ninja",
    "linli",
    "accounts",
    "spaces",
    "scenes",
    "bookings",
    "metrics",
    "calendars",
    "django_tasks",
    "django_tasks_db",
]

# Background work (booking notices and their retries) on Django's task framework. The
# database backend keeps the queue in the app's own database: no extra server on SQLite,
# many workers on PostgreSQL. `make run` starts `manage.py db_worker` beside gunicorn.
# TASKS_BACKEND=immediate runs each task inside the request (tests, quick experiments).
TASKS = {
    "default": {
        "BACKEND": {
            "immediate": "django_tasks.backends.immediate.ImmediateBackend",
            "database": "django_tasks_db.DatabaseBackend",
        }[os.environ.get("TASKS_BACKEND", "database")],
        "QUEUES": ["default"],
    }
}

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Residents are on weak networks; pages and JSON shrink ~5x. Django (since 4.2) pads
    # compressed responses against BREACH. Static files come pre-compressed from whitenoise.
    "linli.middleware.GZipMiddleware",
    "linli.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "linli.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "linli.middleware.VaryOnHtmxMiddleware",
    # Last, so its process_exception sees a page view's DomainError first.
    "linli.middleware.PageErrorMiddleware",
]

ROOT_URLCONF = "linli.urls"
WSGI_APPLICATION = "linli.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# SQLite is the embedded default. WAL lets readers proceed during a write; IMMEDIATE takes
# the write lock at BEGIN so two booking transactions queue instead of failing mid-way with
# "database is locked"; the busy timeout is how long a writer waits its turn. Connections
# are kept across requests (CONN_MAX_AGE) on both databases: on SQLite a new connection
# re-reads the schema and re-prepares every statement, about 8 ms of a booking's ~15
# (bench/bookings.py); each sync worker keeps one, checked before reuse.
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
    prepared = os.environ.get("DATABASE_PREPARED", "1") != "0"
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and prepared:
        # Lets linli.rows.cursor() prepare the hand-written statements of every booking
        # and availability read. Django turns prepared statements off by default, for
        # poolers in transaction mode (PgBouncer), where a prepared statement may not be
        # on the server connection the next statement gets, and which refuse the
        # "options" below: set DATABASE_PREPARED=0 there. Linli connects directly.
        options = DATABASES["default"].setdefault("OPTIONS", {})
        options["prepare_threshold"] = 5  # Django's client-side cursors never prepare
        # Those statements are simple look-ups by key and range: plan them once, from
        # their generic plan, instead of again on each run whenever PostgreSQL's estimate
        # prefers custom plans (the active-bookings read did, at 0.3-0.5 ms a plan).
        # Only prepared statements are affected, so only linli.rows'.
        options["options"] = (
            options.get("options", "") + " -c plan_cache_mode=force_generic_plan"
        ).strip()
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "linli.sqlite3",
            # Keep each worker's connection (as for PostgreSQL above): a new one per request
            # re-reads the schema and runs the PRAGMAs below, and its page cache starts cold.
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL;"
                    "PRAGMA synchronous=NORMAL;"
                    "PRAGMA foreign_keys=ON;"
                    "PRAGMA busy_timeout=20000;"
                ),
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:sign-in"
LOGIN_REDIRECT_URL = "home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Uploads beyond this are refused before Pillow ever sees them.
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# SMS: "console" and "file" are for development and tests; production must name a real
# sender (a dotted path to a class with send(phone, message)).
SMS_BACKEND = os.environ.get("SMS_BACKEND", "console" if DEBUG else "")
SMS_FILE_PATH = Path(os.environ.get("SMS_FILE_PATH", VAR_DIR / "sms.log"))

# How many reverse proxies (nginx, a cloud load balancer) stand in front of the app. The
# per-IP sign-in limits read the client address from X-Forwarded-For only this deep;
# 0 trusts nothing but the socket address.
NUM_PROXIES = int(os.environ.get("NUM_PROXIES", "0"))

# Sign-in codes: per IP address and for the whole site, per hour (accounts.otp). These carry
# the weight against floods; the per-number limit only delays a number's owner a little.
OTP_IP_HOURLY_LIMIT = int(os.environ.get("OTP_IP_HOURLY_LIMIT", "20"))
OTP_GLOBAL_HOURLY_LIMIT = int(os.environ.get("OTP_GLOBAL_HOURLY_LIMIT", "1000"))

# Geocoding an address is an optional operator action; nothing calls a geocoder unless set.
GEOCODER = os.environ.get("GEOCODER", "")

# Residents stay signed in on their phone for a month; staff sessions end after a working
# day (accounts.apps sets the expiry when a staff member signs in), since a front-desk
# computer is shared and staff can change what everyone sees.
SESSION_COOKIE_AGE = 60 * 60 * 24 * 30
STAFF_SESSION_AGE = int(float(os.environ.get("STAFF_SESSION_HOURS", "10")) * 3600)

# Behind a TLS-terminating proxy (nginx, a cloud load balancer). Off unless set: trusting
# the header when no proxy strips it would let any client claim to be on https.
# SECURE_PROXY_SSL_HEADER names the header the proxy sets to "https", e.g. X-Forwarded-Proto.
_proxy_ssl_header = os.environ.get("SECURE_PROXY_SSL_HEADER", "").strip()
if _proxy_ssl_header:
    SECURE_PROXY_SSL_HEADER = (
        "HTTP_" + _proxy_ssl_header.upper().replace("-", "_").removeprefix("HTTP_"),
        "https",
    )
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
CSRF_COOKIE_HTTPONLY = False
CSRF_FAILURE_VIEW = "linli.error_pages.csrf_failure"  # the 403 page, not Django's bare one

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.server": {"level": "WARNING" if not DEBUG else "INFO"}},
}

# Per process. Holds each venue's schedule (scenes.schedule_cache, a few kB a venue): room
# for a city's venues, where locmem's default of 300 entries would keep evicting them.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "OPTIONS": {"MAX_ENTRIES": 5000},
    }
}
if os.environ.get("CACHE_URL", "").startswith("file://"):
    CACHES["default"] = {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": os.environ["CACHE_URL"][len("file://") :],
    }

SITE_NAME = _("邻里")
