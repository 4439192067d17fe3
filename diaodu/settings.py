"""Diaodu settings: one file, every value from the environment with a safe default.

DATABASE_URL selects the database (default: embedded SQLite in ./data, WAL mode);
postgres://… switches to PostgreSQL. SECRET_KEY, DEBUG and ALLOWED_HOSTS as usual.
"""

import os
from pathlib import Path

import dj_database_url
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("DIAODU_DATA_DIR", BASE_DIR / "data"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("DEBUG", False)
# The default key is only for the demo and tests; production sets SECRET_KEY.
SECRET_KEY = os.environ.get("SECRET_KEY", "diaodu-insecure-demo-key-set-SECRET_KEY-in-production")
ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    # unfold must come before django.contrib.admin; BasicAppConfig leaves the site to ours.
    "unfold.apps.BasicAppConfig",
    "unfold.contrib.filters",
    "unfold.contrib.simple_history",
    "diaodu.apps.DiaoduAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "simple_history",
    "django_tasks_db",
    "treebeard",
    # Serves the API docs' Swagger UI from our static files (no CDN on a government network).
    "ninja",
    "diaodu.core",
    "diaodu.projects",
    "diaodu.investment",
    "diaodu.schedule",
    "diaodu.cases",
    "diaodu.ledgers",
    "diaodu.api",
    "diaodu.dashboard",
    "diaodu.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "diaodu.core.middleware.RequestContextMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "diaodu.urls"
WSGI_APPLICATION = "diaodu.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "diaodu" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

SQLITE_DEFAULT = f"sqlite:///{DATA_DIR / 'diaodu.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(
    os.environ.get("DATABASE_URL", SQLITE_DEFAULT),
    # Keep server connections open between requests (a new PostgreSQL connection costs more
    # than a whole report submit); health checks drop ones the server has closed.
    conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")), conn_health_checks=True,
)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded database lives in the data folder; create it on first use.
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers run beside the writer; IMMEDIATE takes the write lock at BEGIN so
        # two writers queue instead of failing with "database is locked" mid-transaction.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("DIAODU_TEST_SQLITE", "")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "core.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = reverse_lazy("admin:login")
LOGIN_REDIRECT_URL = reverse_lazy("projects:list")

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["diaodu.formats"]

STATIC_URL = "static/"
# Unset (demo, tests): whitenoise serves from the app directories through the finders.
# Production sets STATIC_ROOT and runs `diaodu collectstatic`.
STATIC_ROOT = os.environ.get("STATIC_ROOT") or None
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Serve static files from the app directories without collectstatic (demo and tests).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# Uploaded files (case attachments) live in the data folder beside the embedded database.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", DATA_DIR / "media"))
MEDIA_URL = "media/"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 3600
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# Background and scheduled work (django.tasks): jobs are rows in the database; run workers
# with `diaodu db_worker` on any number of machines (PostgreSQL: SELECT … FOR UPDATE SKIP
# LOCKED). Daily jobs re-enqueue themselves; `diaodu schedule_daily` starts the chain.
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

# API tokens (/api/v1/): the longest validity a user may choose.
API_TOKEN_MAX_DAYS = int(os.environ.get("API_TOKEN_MAX_DAYS", "90"))
NINJA_PAGINATION_PER_PAGE = 50

# History is read-only: a revert would write without the services' checks and audit.
SIMPLE_HISTORY_REVERT_DISABLED = True

UNFOLD = {
    "SITE_TITLE": _("调度 · 重点项目调度平台"),
    "SITE_HEADER": _("中原区重点项目调度平台"),
    "SITE_SYMBOL": "account_tree",
    "SHOW_HISTORY": True,
    "SHOW_VIEW_ON_SITE": True,
    "SHOW_LANGUAGES": True,
    "LOGIN": {"redirect_after": reverse_lazy("projects:list")},
    "SIDEBAR": {
        "show_search": False,
        "show_all_applications": False,
        "navigation": "diaodu.navigation.sidebar",
    },
}
