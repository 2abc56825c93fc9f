"""Django settings: everything configurable comes from the environment through laksana.conf."""

import contextlib
import warnings
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from laksana.common import dbpool
from laksana.common.csp import policy as csp_policy
from laksana.conf import env, env_bool, env_list

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(env("LAKSANA_DATA_DIR")).resolve()

DEBUG = env_bool("DEBUG")
_DEV_SECRET = "laksana-development-only-secret-do-not-use-in-production"
SECRET_KEY = env("SECRET_KEY") or _DEV_SECRET
if not DEBUG and SECRET_KEY == _DEV_SECRET:
    raise ImproperlyConfigured(
        "SECRET_KEY is not set. Set SECRET_KEY (or SECRET_KEY_FILE) to a long random value, "
        "or DEBUG=1 for development."
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
CSRF_FAILURE_VIEW = "laksana.common.errorpages.csrf_failure"

# HTTPS (production, `check --deploy` clean): Secure cookies, HSTS and a redirect of plain HTTP.
# Off by default so `make demo` and the test servers on http://127.0.0.1 keep working.
HTTPS = env_bool("HTTPS")
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = int(env("HSTS_SECONDS")) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS and env_bool("HSTS_INCLUDE_SUBDOMAINS")
SECURE_HSTS_PRELOAD = HTTPS and env_bool("HSTS_PRELOAD")
# Preload lists are for the registered domain (e.g. a city's go.id name), not one service on it.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env_bool("BEHIND_HTTPS_PROXY"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

INSTALLED_APPS = [
    # SimpleAdminConfig: admin modules are discovered in laksana.urls for our apps only, because
    # django-leaflet's admin module imports GeoDjango (GDAL), which Laksana does not use.
    "django.contrib.admin.apps.SimpleAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    # With ninja installed as an app, /api/v1/docs serves Swagger UI from ninja's own static files
    # instead of a CDN, so the docs work on a closed government network.
    "ninja",
    "leaflet",
    "django_tasks",
    "django_tasks_db",
    "laksana.regions",
    "laksana.agencies",
    "laksana.accounts",
    "laksana.complaints",
    "laksana.sla",
    "laksana.notify",
    "laksana.channels",
    "laksana.dispatch",
    "laksana.live",
    "laksana.push",
    "laksana.open311",
    "laksana.portal",
    "laksana.console",
    "laksana.lapor",
    "laksana.mailin",
    "laksana.reports",
    "laksana.routing",
    "laksana.bench",
    "laksana.demo",
]

MIDDLEWARE = [
    # First, so every response (errors and static files too) carries the policy.
    "csp.middleware.CSPMiddleware",
    # Next: a database outage answers 503 + Retry-After, not a 500 (laksana/common/outage.py).
    "laksana.common.outage.DatabaseOutageMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "laksana.common.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Staff pages (console, field, live, admin, staff API) are never stored by a browser or proxy.
    "laksana.common.middleware.StaffNoStoreMiddleware",
]

ROOT_URLCONF = "laksana.urls"
ASGI_APPLICATION = "laksana.asgi.application"
WSGI_APPLICATION = "laksana.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "laksana" / "templates"],
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

_default_db = f"sqlite:///{DATA_DIR / 'laksana.sqlite3'}"
_db_url = env("DATABASE_URL")
if "<LAKSANA_DATA_DIR>" in _db_url:
    _db_url = _default_db
DATABASES = {"default": dj_database_url.parse(_db_url, conn_max_age=0)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside the one writer; IMMEDIATE takes the write lock at BEGIN, so two
    # writers queue on the busy timeout instead of failing "database is locked" mid-transaction.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test.sqlite3")}
    # SQLite creates the file but not its folder: on a fresh clone every command (`make demo`
    # first) would fail "unable to open database file".
    for _name in (DATABASES["default"]["NAME"], DATABASES["default"]["TEST"]["NAME"]):
        Path(_name).parent.mkdir(parents=True, exist_ok=True)
    # The same backend, with this process's writers queued in order (see its docstring).
    DATABASES["default"]["ENGINE"] = "laksana.common.sqlite3"
else:
    DATABASES["default"].setdefault("OPTIONS", {})
    if env_bool("DATABASE_POOL"):
        # Opening a PostgreSQL connection per request costs several milliseconds; under ASGI
        # persistent connections do not apply, a pool does (psycopg_pool, Django 5.1+).
        # Tuned for restarts and failovers: see laksana.common.dbpool.
        DATABASES["default"]["OPTIONS"]["pool"] = dbpool.options(int(env("DATABASE_POOL_SIZE")))

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The sign-in lockout comes first, so it refuses every way in (console, admin, API token) alike.
AUTHENTICATION_BACKENDS = [
    "laksana.accounts.lockout.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = env("LANGUAGE_CODE")
LANGUAGES = [("id", "Bahasa Indonesia"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "laksana" / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"  # stored in UTC; each region's own zone is applied when shown

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
# WhiteNoise warns at every start when it is missing; a read-only DATA_DIR may lack it.
with contextlib.suppress(OSError):
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "laksana" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
# WhiteNoise hands Django a synchronous file iterator; under ASGI Django warns on every static file.
# The files are small and cached by browsers; a production CDN or web server serves them anyway.
warnings.filterwarnings("ignore", message="StreamingHttpResponse must consume synchronous")
MEDIA_URL = "/media/"
_media = env("MEDIA_ROOT")
MEDIA_ROOT = DATA_DIR / "media" if "<LAKSANA_DATA_DIR>" in _media else Path(_media)
MAX_UPLOAD_BYTES = int(float(env("MAX_UPLOAD_MB")) * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_UPLOAD_BYTES + 1024 * 1024
MAX_PHOTO_MEGAPIXELS = float(env("MAX_PHOTO_MEGAPIXELS"))
# Configuration rows kept per process between requests (laksana.common.configcache).
CONFIG_CACHE_SECONDS = float(env("CONFIG_CACHE_SECONDS"))
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# Photos that are not public open only on a signed address this young (laksana/complaints/media.py).
PHOTO_LINK_SECONDS = round(float(env("PHOTO_LINK_MINUTES")) * 60)

MAP_TILE_URL = env("MAP_TILE_URL")

# No inline script on any page: see laksana.common.csp.
CONTENT_SECURITY_POLICY = csp_policy(tile_url=MAP_TILE_URL, media_url=MEDIA_URL)

CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    # Rate limits must be shared by all web workers: a table in the main database.
    "ratelimit": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "laksana_ratelimit",
    },
}

# Background jobs: Django's tasks API (django-tasks backport) on a queue kept in the database
# (django-tasks-db), run by `laksana worker`; durable across restarts on SQLite and PostgreSQL.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# Notifications: the channels the outbox may use (name -> class). WhatsApp, Telegram and SMS
# carry messages only in regions that switched them on with their own credentials
# (laksana/channels, README "Channels").
NOTIFY_CHANNELS = {
    "email": "laksana.notify.channels.EmailChannel",
    "webhook": "laksana.notify.channels.WebhookChannel",
    "whatsapp": "laksana.channels.transport.WhatsAppChannel",
    "telegram": "laksana.channels.transport.TelegramChannel",
    "sms": "laksana.channels.transport.SmsChannel",
    "webpush": "laksana.push.transport.WebPushChannel",
}
# Web Push to staff phones (laksana/push): the VAPID key pair identifying this installation to
# the browsers' push services. Empty private key: generated under DATA_DIR when DEBUG (the
# demo), else staff alerts by push are off (laksana/push/keys.py).
VAPID_PRIVATE_KEY = env("VAPID_PRIVATE_KEY").strip()
VAPID_PUBLIC_KEY = env("VAPID_PUBLIC_KEY").strip()
VAPID_SUBJECT = env("VAPID_SUBJECT").strip()
# Chat channels (laksana/channels): where the providers' HTTP APIs are; tests point them at
# stand-ins. Provider addresses follow the same egress rules as webhooks (notify/egress.py).
PUBLIC_URL = env("PUBLIC_URL").rstrip("/")
WHATSAPP_GRAPH_URL = env("WHATSAPP_GRAPH_URL").rstrip("/")
TELEGRAM_API_URL = env("TELEGRAM_API_URL").rstrip("/")
# Development (and the demo) prints e-mail to the console; production sends it over SMTP.
EMAIL_BACKEND = (
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend"
)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL")
EMAIL_HOST = env("EMAIL_HOST")
EMAIL_PORT = int(env("EMAIL_PORT"))
EMAIL_HOST_USER = env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")

LOGIN_URL = "/accounts/login/"
SESSION_COOKIE_AGE = 12 * 3600
SESSION_COOKIE_HTTPONLY = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Tokens and API keys in URLs are redacted from every line (laksana/common/logredact.py).
    "filters": {"redact": {"()": "laksana.common.logredact.RedactSecretsFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["redact"]}},
    "loggers": {
        "laksana": {"handlers": ["console"], "level": env("LOG_LEVEL"), "filters": ["redact"]},
        # The web server's access log (laksana.common.serving: one line per request).
        "granian.access": {
            "handlers": ["console"],
            "level": "INFO",
            "propagate": False,
            "filters": ["redact"],
        },
        "django.request": {"filters": ["redact"]},
        "django.server": {"filters": ["redact"]},
    },
}

# Where outgoing webhooks may connect (laksana/notify/egress.py).
WEBHOOK_ALLOW_HTTP = env("WEBHOOK_ALLOW_HTTP") == "1"
WEBHOOK_ALLOWED_NETWORKS = tuple(
    n.strip() for n in env("WEBHOOK_ALLOWED_NETWORKS").split(",") if n.strip()
)

# Addresses public rate limits never refuse (laksana/common/ratelimit.py).
RATE_LIMIT_EXEMPT_ADDRESSES = frozenset(
    a.strip() for a in env("RATE_LIMIT_EXEMPT_ADDRESSES").split(",") if a.strip()
)
