"""Settings of the stack limit: what production Laksana is given (DEBUG=0, the secret,
ALLOWED_HOSTS, DATABASE_URL and its psycopg pool), and nothing of Laksana's own: no middleware,
no sessions, no auth, no translations, one template folder without context processors."""

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from laksana.common import dbpool
from laksana.conf import env, env_bool, env_list

DEBUG = env_bool("DEBUG")
SECRET_KEY = env("SECRET_KEY")
if not SECRET_KEY:
    raise ImproperlyConfigured("the stack limit runs under the bench's generated SECRET_KEY")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")

INSTALLED_APPS = ["laksana.bench.limit"]
MIDDLEWARE: list[str] = []
ROOT_URLCONF = "laksana.bench.limit.urls"
TEMPLATES = [{"BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": True}]

DATABASES = {"default": dj_database_url.parse(env("DATABASE_URL"), conn_max_age=0)}
if DATABASES["default"]["ENGINE"] not in (
    "django.db.backends.postgresql",
    "django.db.backends.sqlite3",  # the embedded default's reads (bench --sqlite)
):
    raise ImproperlyConfigured("the stack limit reads the bench's PostgreSQL or SQLite database")
DATABASES["default"].setdefault("OPTIONS", {})
if env_bool("DATABASE_POOL"):  # as laksana.settings configures it
    DATABASES["default"]["OPTIONS"]["pool"] = dbpool.options(int(env("DATABASE_POOL_SIZE")))

USE_I18N = False
USE_TZ = True
TIME_ZONE = "UTC"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
LOGGING = {"version": 1, "disable_existing_loggers": False}
