"""Settings for the Hoàng Hợp lifelong-learning plan portal.

Everything that differs between a laptop and the production server is read from
the environment here, and only here. With nothing set, the portal runs in debug
mode on an embedded SQLite database so that a fresh checkout just works.
"""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


DEBUG = env_bool("DJANGO_DEBUG", True)

# A development key is fine in debug mode only; production must set its own.
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or (
    "django-insecure-dev-only-key-do-not-use-in-production" if DEBUG else ""
)
if not SECRET_KEY:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off.")

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # The portal's apps, in their layers: a lower one never imports a higher one
    # (tests/test_layers.py). Listed first so that their templates come before others'.
    "core",
    "communes",
    "accounts",
    "enterprises",
    "plans",
    "indicators",
    "reports",
    "dashboard",
    "province",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.humanize",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "simple_history",
    "axes",
    "csp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.PortalLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.commune: the commune the page is about (communes.current).
    "communes.current.CurrentCommuneMiddleware",
    # Every commune-owned query of the request answers that commune's rows only.
    "communes.current.CommuneScopeMiddleware",
    "core.middleware.NoStoreWhenSignedInMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, so that a locked-out login is answered after everything else ran.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "hoanghop.urls"
WSGI_APPLICATION = "hoanghop.wsgi.application"

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
                "accounts.context_processors.portal",
            ],
        },
    },
]

# SQLite by default (zero set-up); PostgreSQL in production and CI through DATABASE_URL.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Wait for a concurrent writer instead of failing with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update({"timeout": 20, "transaction_mode": "IMMEDIATE"})
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # The portal's queries are short aggregates; PostgreSQL's JIT compiler costs them
    # more time than it saves (measured with `make bench`).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Caches live in each server process's memory. The "figures" cache holds the periods'
# computed figures under revision tokens kept in the database (indicators.figures_cache),
# so processes never serve each other stale figures and no cache server is needed.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "default"},
    "figures": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "figures",
        # Entries under replaced tokens are never read again: let them expire.
        "TIMEOUT": env_int("PORTAL_FIGURES_CACHE_SECONDS", 60 * 60),
        "OPTIONS": {"MAX_ENTRIES": 500},
    },
    # Rate limits (core.limits) are shared by every server process, so they live in the
    # database: `manage.py createcachetable` (run by `make setup`) creates the table.
    "limits": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "portal_limits",
        # Room for a flood from many addresses without culling the counts still running.
        "OPTIONS": {"MAX_ENTRIES": 10_000},
    },
}

AUTHENTICATION_BACKENDS = [
    # AxesStandaloneBackend must be first: it refuses locked-out credentials.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Django's rules, worded as the portal speaks (accounts/passwords.py).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "accounts.passwords.UserAttributeSimilarityValidator"},
    {"NAME": "accounts.passwords.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "accounts.passwords.CommonPasswordValidator"},
    {"NAME": "accounts.passwords.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Sessions: a phone left on a desk should not stay logged in forever.
SESSION_COOKIE_AGE = env_int("DJANGO_SESSION_AGE", 8 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = env_bool("DJANGO_SESSION_EXPIRE_AT_BROWSER_CLOSE", False)

# Login throttling (django-axes): lock the username+IP pair after repeated failures.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
# Reverse proxies in front of the portal (nginx: 1). The client's address is read from
# X-Forwarded-For behind them (core.network.client_ip, through django-ipware), for login
# throttling and the password-reset limits alike; with 0 the header is ignored.
PORTAL_PROXY_COUNT = env_int("DJANGO_PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "core.network.client_ip"

# Password-reset mails: at most this many an hour for one address, and asked for by one
# client address (accounts.forms.PasswordResetForm). Past them, nothing is sent and the
# page answers as always.
PORTAL_RESET_MAILS_PER_ADDRESS = env_int("PORTAL_RESET_MAILS_PER_ADDRESS", 3)
PORTAL_RESET_MAILS_PER_CLIENT = env_int("PORTAL_RESET_MAILS_PER_CLIENT", 10)

# Internationalisation: Vietnamese first, English available.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]  # the one catalogue, for every app and template (`make messages`)
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["core.formats"]

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # Third-party assets installed from the npm registry by `make setup`.
    ("vendor/bootstrap", NODE_MODULES / "bootstrap" / "dist"),
    ("vendor/bootstrap-icons", NODE_MODULES / "bootstrap-icons" / "font"),
    ("vendor/chart.js", NODE_MODULES / "chart.js" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Uploaded evidence lives outside the static tree and is served only through
# views that check who is asking; MEDIA_URL is deliberately not routed.
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "/media-not-served/"
# Generated documents kept until what they show changes (core.file_cache): shared by every
# server process, outside MEDIA_ROOT (never backed up), safe to empty at any time.
PORTAL_CACHE_DIR = Path(os.environ.get("PORTAL_CACHE_DIR", BASE_DIR / "var" / "cache"))
UPLOAD_MAX_BYTES = env_int("PORTAL_UPLOAD_MAX_MB", 10) * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = UPLOAD_MAX_BYTES + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# E-mail: console in development, SMTP when EMAIL_HOST is set.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "hoanghop-portal@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Absolute links in e-mails (reminders, password reset from management commands).
PORTAL_BASE_URL = os.environ.get("PORTAL_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

# The commune's identity: who issues the reports, to whom, and who signs them. Since
# 1 July 2025 there is no district level and communes have merged, so none of these names
# is hard-coded; the defaults are the demo's (Hoàng Hợp, reporting to the province), and
# `check --deploy` refuses them in production (communes/checks.py says what to set).
# Communes are data now: the first migration of the communes app makes the first commune
# from these, and they stand in only while the communes table is empty (communes/identity.py).
PORTAL_COMMUNE_NAME = os.environ.get("PORTAL_COMMUNE_NAME", "Hoàng Hợp")
# The commune's code in the national list of administrative units (data sheets key on it).
PORTAL_COMMUNE_CODE = os.environ.get("PORTAL_COMMUNE_CODE", "")
PORTAL_COMMUNE_BODY = os.environ.get("PORTAL_COMMUNE_BODY", "Ủy ban nhân dân xã Hoàng Hợp")
PORTAL_SUPERIOR_BODY = os.environ.get("PORTAL_SUPERIOR_BODY", "Ủy ban nhân dân tỉnh Thanh Hóa")
PORTAL_REPORT_ADDRESSEE = os.environ.get("PORTAL_REPORT_ADDRESSEE", "Liên đoàn Lao động tỉnh Thanh Hóa")
# The commune's leaders who may sign a report, "title: name" separated by ";", the chair
# first: "Chủ tịch: Nguyễn Văn An; Phó Chủ tịch: Lê Thị Hoa".
PORTAL_COMMUNE_LEADERS = [
    (title.strip(), name.strip())
    for title, _colon, name in (
        entry.partition(":")
        for entry in os.environ.get(
            "PORTAL_COMMUNE_LEADERS", "Chủ tịch: Nguyễn Văn An; Phó Chủ tịch: Lê Thị Hoa"
        ).split(";")
    )
    if title.strip() and name.strip()
]
PORTAL_PLAN_FILE = Path(os.environ.get("PORTAL_PLAN_FILE", BASE_DIR / "plans" / "data" / "ke-hoach-2023.json"))
# Days before a deadline when `send_reminders` first writes to a late officer.
PORTAL_REMINDER_DAYS = env_int("PORTAL_REMINDER_DAYS", 7)
# Days a worker's personal data is kept after they are marked as no longer employed;
# `purge_personal_data` then anonymises them (README, "Personal data").
PORTAL_PERSONAL_DATA_RETENTION_DAYS = env_int("PORTAL_PERSONAL_DATA_RETENTION_DAYS", 365)

# Security. Behind a TLS-terminating proxy set DJANGO_SECURE_PROXY_SSL_HEADER=1.
if env_bool("DJANGO_SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): scripts, styles and fonts only from the portal's own
# static files, so an injected <script>, event handler or style attribute does not run.
# The templates keep no inline script or style for this (tests/test_content_security_policy.py);
# "data:" images are Bootstrap's own icons (select arrows, check marks) in its stylesheet.
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
SESSION_COOKIE_HTTPONLY = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"client_errors_in_one_line": {"()": "core.log_filters.ClientErrorsInOneLine"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    # A 403 is a line, not a traceback; server errors keep theirs.
    "loggers": {"django.request": {"filters": ["client_errors_in_one_line"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
}
