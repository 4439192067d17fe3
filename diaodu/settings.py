"""Diaodu settings: one file, every value from the environment with a safe default.

DATABASE_URL selects the database (default: embedded SQLite in ./data, WAL mode);
postgres://… switches to PostgreSQL. SECRET_KEY, DEBUG and ALLOWED_HOSTS as usual.
"""

import json
import os
from datetime import timedelta
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
# Rotation: the previous key(s), comma-separated, still accepted for signatures made with them
# (sessions, CSRF) until they expire; drop them after SESSION_ABSOLUTE_HOURS.
SECRET_KEY_FALLBACKS = [
    k.strip() for k in os.environ.get("SECRET_KEY_FALLBACKS", "").split(",") if k.strip()
]
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
    "diaodu.grids",
    "diaodu.investment",
    "diaodu.schedule",
    "diaodu.cases",
    "diaodu.ledgers",
    "diaodu.api",
    "diaodu.dashboard",
    "diaodu.mediation",
    "diaodu.votes",
    "diaodu.duty",
    "diaodu.cityops",
    "diaodu.demo",
    # Sign-in lockout (django-axes); its own admin pages stay off (roles, not Django perms).
    "axes",
    "csp",
    # Two-factor sign-in (TOTP) for dispatchers and administrators (core/two_factor.py).
    "django_otp",
    "django_otp.plugins.otp_totp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "diaodu.core.middleware.QueryParamsMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "diaodu.core.security.SessionPolicyMiddleware",
    "diaodu.core.security.TwoFactorMiddleware",
    "diaodu.core.security.PasswordPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "diaodu.core.middleware.RequestContextMiddleware",
    "diaodu.core.middleware.NoStoreMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
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

# The save and submit path's few statements built once go as prepared statements on
# PostgreSQL (core/prepared.py); 0 turns that off, e.g. behind a transaction-mode pooler that
# does not keep prepared statements (docs/operations.md).
PREPARED_STATEMENTS = os.environ.get("DB_PREPARED_STATEMENTS", "1") != "0"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "core.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "diaodu.core.passwords.ComplexityValidator", "OPTIONS": {"classes": 3}},
    {"NAME": "diaodu.core.passwords.HistoryValidator"},
]
# 等保2.0 level 3 sign-in policy; every number can be set from the environment.
PASSWORD_HISTORY = int(os.environ.get("PASSWORD_HISTORY", "5"))  # no reuse of the last 5
PASSWORD_MAX_AGE_DAYS = int(os.environ.get("PASSWORD_MAX_AGE_DAYS", "90"))  # 0 = never expires
SESSION_IDLE_SECONDS = int(os.environ.get("SESSION_IDLE_MINUTES", "30")) * 60
SESSION_ABSOLUTE_SECONDS = int(os.environ.get("SESSION_ABSOLUTE_HOURS", "12")) * 3600
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses sign-in while locked out
    "django.contrib.auth.backends.ModelBackend",
]
# Lock an account after 5 failures for 30 minutes; failures older than that are forgotten,
# so 5 failures within any 15 minutes always lock (axes has no separate counting window).
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "30")))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ADMIN = False
AXES_LOCKOUT_CALLABLE = "diaodu.core.security.lockout_response"
AXES_VERBOSE = False
# Locking by IP too would lock a whole office behind one NAT address; the account (username)
# is the thing guessed, and rotating user agents or cookies does not reset it.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
# TOTP (django-otp): the name authenticator apps show; each wrong code doubles the wait before
# the next attempt on that device (1, 2, 4 … seconds), cleared only by a right code.
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "中原区重点项目调度平台")
OTP_TOTP_THROTTLE_FACTOR = int(os.environ.get("OTP_TOTP_THROTTLE_FACTOR", "1"))
# django-otp's device admin would show a device's secret and QR code (and looks a device up
# before checking permissions: a 500 for an unknown id). Enrolment is our own page.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
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

# Request bodies. Form fields and JSON are small (free text is capped at 5,000 characters:
# core/text.py), so 1 MB of non-file data is generous; files are bounded by their own limits
# (imports LEDGER_IMPORT_MAX_BYTES 20 MB, attachments CASES_MAX_ATTACHMENT_BYTES) and the
# reverse proxy refuses a body above 25 MB before it reaches us (docs/operations.md).
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("DATA_UPLOAD_MAX_MEMORY_SIZE", 1024 * 1024))

# Uploaded files (case attachments) live in the data folder beside the embedded database.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", DATA_DIR / "media"))
MEDIA_URL = "media/"

# Content Security Policy (django-csp): everything from our own origin; no CDN, no frames,
# no plugins. Scripts: files from our origin only — no inline script or event handler (none
# in unfold's templates or ours; tests/browser/test_csp_browser.py). 'unsafe-eval' stays:
# unfold 0.110 ships the standard Alpine build, which runs every x-data / @click expression
# through `new Function`, and its templates use inline object literals that Alpine's CSP build
# cannot evaluate (unfold issue #2129; docs/trust.md). Styles: unfold's templates carry style
# attributes (unsafe-inline); other origins stay refused.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", "'unsafe-eval'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# DIAODU_PROFILE=production: HTTPS only behind the reverse proxy (HSTS, secure cookies), no
# debug, and a real SECRET_KEY required; `diaodu check --deploy` is clean (a test runs it).
PRODUCTION = os.environ.get("DIAODU_PROFILE", "") == "production"
# DIAODU_TODAY=YYYY-MM-DD pins the business date (diaodu/core/clock.py) — the demo lives on
# 2023-03-31. Security time (sessions, TOTP, tokens, lockout, audit) stays real.
DIAODU_TODAY = os.environ.get("DIAODU_TODAY", "").strip()
if DIAODU_TODAY:
    from diaodu.core.clock import parse_pin

    parse_pin(DIAODU_TODAY)  # a malformed date stops the start, not the first request
if PRODUCTION:
    if DIAODU_TODAY:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("DIAODU_TODAY is refused under DIAODU_PROFILE=production")
    if SECRET_KEY.startswith("diaodu-insecure") or len(SECRET_KEY) < 50:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("production needs SECRET_KEY (50+ random characters)")
    DEBUG = False
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    os.environ.setdefault("SESSION_COOKIE_SECURE", "true")
    CSRF_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = "Strict"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_SECONDS
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# Cache: Redis when REDIS_URL is set (redis://host:6379/0). Needed as soon as more than one
# process runs — several gunicorn processes or machines, or a task worker: the import progress
# is written by the worker and read by the web processes, the unread-case badge is cleared by
# whichever process changes a case. Without it each process keeps its own (demo, tests).
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": REDIS_URL, "KEY_PREFIX": "diaodu"}}
elif os.environ.get("DIAODU_CACHE_DIR"):
    # One machine, several processes without Redis (`diaodu demo`: web server and worker).
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                          "LOCATION": os.environ["DIAODU_CACHE_DIR"]}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Background and scheduled work (django.tasks): jobs are rows in the database; run workers
# with `diaodu db_worker` on any number of machines (PostgreSQL: SELECT … FOR UPDATE SKIP
# LOCKED). Daily jobs re-enqueue themselves; `diaodu schedule_daily` starts the chain.
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

# Audit retention: events older than this move to encrypted archive files (`diaodu
# audit_archive`, run daily from cron). At least 183 days — 网络安全法 第二十一条 keeps network
# logs for no less than six months; a system check refuses less.
AUDIT_RETENTION_DAYS = int(os.environ.get("AUDIT_RETENTION_DAYS", "365"))
# Audit events join the hash chain after commit (diaodu/core/audit_seal.py): task workers
# seal every AUDIT_SEAL_INTERVAL seconds what commit nudges missed; a process's sealing thread
# waits AUDIT_SEAL_COALESCE seconds after a pass, so a surge's nudges share passes;
# audit_verify reports an event left unsealed longer than AUDIT_UNSEALED_MAX_AGE seconds.
AUDIT_SEAL_INTERVAL = float(os.environ.get("AUDIT_SEAL_INTERVAL", "1"))
AUDIT_SEAL_COALESCE = float(os.environ.get("AUDIT_SEAL_COALESCE", "0.5"))
AUDIT_UNSEALED_MAX_AGE = float(os.environ.get("AUDIT_UNSEALED_MAX_AGE", "5"))
AUDIT_ARCHIVE_DIR = Path(os.environ.get("AUDIT_ARCHIVE_DIR", DATA_DIR / "audit-archive"))

# Messages beyond the inbox (diaodu/core/notify, docs/notify.md). A channel is offered only when
# its provider is set: the SMS gateway (template messages with a signature), the 企业微信 and 钉钉
# group robots' webhooks (钉钉 signs with its secret), email through Django's mail backend.
NOTIFY_SMS_URL = os.environ.get("NOTIFY_SMS_URL", "")
NOTIFY_SMS_KEY = os.environ.get("NOTIFY_SMS_KEY", "")
NOTIFY_SMS_SECRET = os.environ.get("NOTIFY_SMS_SECRET", "")
NOTIFY_SMS_SIGN = os.environ.get("NOTIFY_SMS_SIGN", "中原区重点项目调度")
# Gateway template codes per kind, JSON {"reminder": "SMS_123", …}; a kind without one sends
# its own name as the code.
NOTIFY_SMS_TEMPLATES = json.loads(os.environ.get("NOTIFY_SMS_TEMPLATES", "{}") or "{}")
NOTIFY_WECOM_WEBHOOK = os.environ.get("NOTIFY_WECOM_WEBHOOK", "")
NOTIFY_DINGTALK_WEBHOOK = os.environ.get("NOTIFY_DINGTALK_WEBHOOK", "")
NOTIFY_DINGTALK_SECRET = os.environ.get("NOTIFY_DINGTALK_SECRET", "")
# Email goes through Django's "default" mailer: SMTP to EMAIL_HOST (EMAIL_PORT, EMAIL_HOST_USER,
# EMAIL_HOST_PASSWORD, EMAIL_USE_TLS or EMAIL_USE_SSL), or another backend by EMAIL_BACKEND.
NOTIFY_EMAIL = env_bool("NOTIFY_EMAIL", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "diaodu@localhost")
_SMTP = "django.core.mail.backends.smtp.EmailBackend"
MAILERS = {"default": {"BACKEND": os.environ.get("EMAIL_BACKEND", _SMTP)}}
if MAILERS["default"]["BACKEND"] == _SMTP:
    MAILERS["default"]["OPTIONS"] = {
        "host": os.environ.get("EMAIL_HOST", "localhost"),
        "port": int(os.environ.get("EMAIL_PORT", "25")),
        "username": os.environ.get("EMAIL_HOST_USER", ""),
        "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
        "use_tls": env_bool("EMAIL_USE_TLS", False),
        "use_ssl": env_bool("EMAIL_USE_SSL", False),
        "timeout": float(os.environ.get("NOTIFY_TIMEOUT", "5")),
    }
# Links in messages: the site's address as people open it.
NOTIFY_SITE_URL = os.environ.get("NOTIFY_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
NOTIFY_SITE_NAME = os.environ.get("NOTIFY_SITE_NAME", "中原区重点项目调度平台")
NOTIFY_TIMEOUT = float(os.environ.get("NOTIFY_TIMEOUT", "5"))  # seconds per provider call
NOTIFY_MAX_ATTEMPTS = int(os.environ.get("NOTIFY_MAX_ATTEMPTS", "5"))
NOTIFY_RETRY_BASE = float(os.environ.get("NOTIFY_RETRY_BASE", "30"))  # 30 s, 60 s, 120 s …
# Per user and channel: at most this many an hour (the rest wait) and a day (the rest skipped).
NOTIFY_USER_HOURLY_LIMIT = int(os.environ.get("NOTIFY_USER_HOURLY_LIMIT", "10"))
NOTIFY_USER_DAILY_LIMIT = int(os.environ.get("NOTIFY_USER_DAILY_LIMIT", "30"))
if PRODUCTION:
    for _name in ("NOTIFY_SMS_URL", "NOTIFY_WECOM_WEBHOOK", "NOTIFY_DINGTALK_WEBHOOK"):
        if globals()[_name] and not globals()[_name].startswith("https://"):
            from django.core.exceptions import ImproperlyConfigured

            raise ImproperlyConfigured(f"{_name} must be an https:// URL in production")

# API tokens (/api/v1/): the longest validity a user may choose.
API_TOKEN_MAX_DAYS = int(os.environ.get("API_TOKEN_MAX_DAYS", "90"))
NINJA_PAGINATION_PER_PAGE = 50

# History is read-only: a revert would write without the services' checks and audit.
SIMPLE_HISTORY_REVERT_DISABLED = True

UNFOLD = {
    "SITE_TITLE": _("调度 · 重点项目调度平台"),
    "SITE_HEADER": _("中原区重点项目调度平台"),
    "SITE_SYMBOL": "account_tree",
    # While the business clock is pinned, every page says so (演示数据 · 业务日期 …).
    "ENVIRONMENT": "diaodu.core.views.business_date_label",
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

# Site photos (core/photos.py): per file, per photo's pixels (Pillow's decompression-bomb
# guard), per owner (a report, a project's 入库 evidence); thumbnails' long side; how far
# from the project's point a photo may be taken before it is flagged for the reviewer.
PHOTO_MAX_BYTES = int(os.environ.get("PHOTO_MAX_BYTES", 15 * 1024 * 1024))
PHOTO_MAX_PIXELS = int(os.environ.get("PHOTO_MAX_PIXELS", 60_000_000))
PHOTO_MAX_PER_OWNER = int(os.environ.get("PHOTO_MAX_PER_OWNER", 12))
PHOTO_THUMBNAIL_PX = int(os.environ.get("PHOTO_THUMBNAIL_PX", 320))
PHOTO_MAX_DISTANCE_M = int(os.environ.get("PHOTO_MAX_DISTANCE_M", 1000))
# A photo file no row names (its transaction rolled back) is deleted by the daily sweep once
# older than this; a younger one may belong to a transaction still running (core/photo_sweep.py).
PHOTO_ORPHAN_GRACE_SECONDS = int(os.environ.get("PHOTO_ORPHAN_GRACE_SECONDS", 3600))

# 城运中心 consoles (cityops/views.py): seconds between the counters' htmx refreshes, on a
# desk and on the 1920×1080 wall.
CITYOPS_REFRESH_SECONDS = max(int(os.environ.get("CITYOPS_REFRESH_SECONDS", 30)), 1)
CITYOPS_WALL_REFRESH_SECONDS = max(int(os.environ.get("CITYOPS_WALL_REFRESH_SECONDS", 15)), 1)
