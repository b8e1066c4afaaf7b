"""NexusOne settings: one module, driven by the environment (see .env.example)."""

from __future__ import annotations

import sys
from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

from nexusone.core.dbpool import ConnectionPolicy, configure_postgresql

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = BASE_DIR / ".data"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
# Under pytest: fixed keys and plain HTTP, so `pytest` needs no environment of its own.
TESTING = "pytest" in sys.modules or env.bool("NEXUSONE_TESTING", default=False)
if TESTING:
    env.ENVIRON.setdefault("SECRET_KEY", "test-secret-key-not-for-production")
    env.ENVIRON.setdefault("FIELD_ENCRYPTION_KEYS", "n-Xw0yGlAq9nAUrmCr-1ZVMk3KGBjzjSv9Rbjm8YdKQ=")
    env.ENVIRON.setdefault("SECURE_SSL_REDIRECT", "false")
    env.ENVIRON.setdefault("SESSION_COOKIE_SECURE", "false")
    env.ENVIRON.setdefault("CSRF_COOKIE_SECURE", "false")

# Code-only management commands (migration checks, schema export) sign and decrypt nothing:
# they may run on a bare checkout with throwaway keys. Everything else needs real keys.
CODE_ONLY_COMMANDS = {
    *("makemigrations", "check", "help", "showmigrations", "sqlmigrate", "spectacular"),
    "build_extension",  # `make extension` zips files and reads no secret
}
_command = sys.argv[1] if len(sys.argv) > 1 and sys.argv[0].endswith("manage.py") else ""
if not DEBUG and not TESTING and _command in CODE_ONLY_COMMANDS:
    from cryptography.fernet import Fernet

    env.ENVIRON.setdefault("SECRET_KEY", Fernet.generate_key().decode())
    env.ENVIRON.setdefault("FIELD_ENCRYPTION_KEYS", Fernet.generate_key().decode())

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY is required when DEBUG is off.")
    SECRET_KEY = "dev-only-insecure-secret-key-change-me"

# Fernet keys for secrets at rest (supplier API keys, tokens). The first key
# encrypts; every key decrypts, so keys can be rotated without downtime.
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS", default=[])
if not FIELD_ENCRYPTION_KEYS:
    if not DEBUG:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS is required when DEBUG is off.")
    from nexusone.core.devkeys import development_encryption_key

    FIELD_ENCRYPTION_KEYS = [development_encryption_key(DATA_DIR)]

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework_simplejwt.token_blacklist",
    "drf_spectacular",
    "drf_standardized_errors",
    "django_filters",
    "django_htmx",
    "template_partials",
    "csp",
    "auditlog",
    "django_celery_beat",
    "nexusone.core",
    "nexusone.accounts",
    "nexusone.suppliers",
    "nexusone.notifications",
    "inventory",
    "orders",
    "imports",
    "extension_auth",
    "analytics",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "nexusone.core.middleware.RateLimitMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "nexusone.core.middleware.CurrentMerchantMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
]

ROOT_URLCONF = "nexusone.urls"
WSGI_APPLICATION = "nexusone.wsgi.application"
ASGI_APPLICATION = "nexusone.asgi.application"

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
                "nexusone.core.context_processors.merchant",
            ],
        },
    },
]

# --- data -----------------------------------------------------------------
DATA_DIR.mkdir(exist_ok=True)
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{DATA_DIR / 'nexusone.sqlite3'}")}
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DB_CONN_MAX_AGE", default=0))
# PostgreSQL: a connection pool per process by default (nexusone/core/dbpool.py; sizing in the README).
configure_postgresql(
    DATABASES["default"],
    ConnectionPolicy(
        pool=env.bool("DB_POOL", default=True),
        min_size=env.int("DB_POOL_MIN_SIZE", default=1),
        # Tests race up to 30 threads in one process (standing for as many processes): room for all of them.
        max_size=env.int("DB_POOL_MAX_SIZE", default=40 if TESTING else 4),
        timeout=env.float("DB_POOL_TIMEOUT", default=10.0),
        pgbouncer=env.bool("DB_PGBOUNCER", default=False),
    ),
)
# Row-level security (README): the app connects as a role that does not own the tables (DATABASE_URL);
# `manage.py migrate` and `manage.py db_roles` connect as the owner (DATABASE_OWNER_URL). Without an
# owner URL, one URL does everything, as before (a superuser there sees every row).
DATABASE_OWNER_URL = env.str("DATABASE_OWNER_URL", default="")
ROW_LEVEL_SECURITY = bool(DATABASE_OWNER_URL) and DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3"
DATABASE_BYPASS_ROLE = env.str("DATABASE_BYPASS_ROLE", default="nexusone_bypass")
if ROW_LEVEL_SECURITY:
    DATABASES["default"]["BYPASS_ROLE"] = DATABASE_BYPASS_ROLE  # `tenancy.bypass()` switches to it
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    # django-redis keeps one client per server (Django's own backend builds one per operation).
    CACHES = {"default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": REDIS_URL}}
else:
    # A file cache is shared by the web server, worker and beat of `make run`.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(DATA_DIR / "cache"),
        }
    }

# --- auth -------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["nexusone.accounts.backends.EmailBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:dashboard"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# --- security ---------------------------------------------------------------
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REDIRECT_EXEMPT = [r"^health"]
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True  # pages carry the token (base.html's hx-headers); no script reads the cookie
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Request bodies: a larger one answers 413 (nexusone.core.errors, nexusone.core.api_errors).
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=2_621_440)  # 2.5 MB
DATA_UPLOAD_MAX_NUMBER_FIELDS = env.int("DATA_UPLOAD_MAX_NUMBER_FIELDS", default=1000)
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "https:"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# --- i18n / static ------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG or TESTING

# --- email / sms ------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="NexusOne <no-reply@nexusone.local>")
SMS_BACKEND = env.str("SMS_BACKEND", default="console")  # console, twilio, or a dotted path to a backend class
TWILIO_ACCOUNT_SID = env.str("TWILIO_ACCOUNT_SID", default="")
TWILIO_AUTH_TOKEN = env.str("TWILIO_AUTH_TOKEN", default="")
TWILIO_FROM = env.str("TWILIO_FROM", default="")
# Outgoing webhooks may post to these hosts even when they resolve to private or loopback addresses.
OUTGOING_WEBHOOK_ALLOWED_HOSTS = env.list("OUTGOING_WEBHOOK_ALLOWED_HOSTS", default=[])

# --- billing ------------------------------------------------------------------------
BILLING_PROVIDER = env.str("BILLING_PROVIDER", default="manual")  # manual | stripe
STRIPE_SECRET_KEY = env.str("STRIPE_SECRET_KEY", default="")
STRIPE_WEBHOOK_SECRET = env.str("STRIPE_WEBHOOK_SECRET", default="")
STRIPE_PRICES = {
    "pro": env.str("STRIPE_PRICE_PRO", default=""),
    "premium": env.str("STRIPE_PRICE_PREMIUM", default=""),
}

# Files only the app serves, after checking who asks (store exports): never under a public URL.
# A relative path is taken from the project directory, so the web server and the workers agree on it.
PRIVATE_STORAGE_ROOT = BASE_DIR / env.str("PRIVATE_STORAGE_ROOT", default=str(DATA_DIR / "private"))
EXPORT_LINK_HOURS = env.int("EXPORT_LINK_HOURS", default=24)

# --- rate limits (nexusone/core/ratelimits.py) ---------------------------------------
# `limits` notation ("150 per 5 seconds", "1200/minute"); an empty rate turns a scope off.
RATE_LIMITS_ENABLED = env.bool("RATE_LIMITS_ENABLED", default=True)
RATE_LIMITS = {
    # per user or extension session, API and pages alike: a burst and a steady rate
    "burst": env.str("THROTTLE_BURST", default="150 per 5 seconds"),
    "sustained": env.str("THROTTLE_USER", default="1200/minute"),
    # per IP address, for calls without a user
    "anon": env.str("THROTTLE_ANON", default="60/minute"),
    # failed logins (API token and login form): per account, and a looser limit per IP address
    "login_account": env.str("THROTTLE_LOGIN_ACCOUNT", default="10 per 10 minutes"),
    "login_ip": env.str("THROTTLE_LOGIN_IP", default="50 per 10 minutes"),
    # token refreshes per IP address
    "auth": env.str("THROTTLE_AUTH", default="20/minute"),
    # CJ's webhook receiver, per source IP address
    "webhook": env.str("THROTTLE_WEBHOOK", default="6000/minute"),
    # opening the live event stream, per user (the browser reconnects every few minutes)
    "event_stream": env.str("THROTTLE_EVENT_STREAM", default="30/minute"),
}
WEBHOOK_MAX_BODY_BYTES = env.int("WEBHOOK_MAX_BODY_BYTES", default=256 * 1024)

# --- API ------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Extension tokens first: a valid one gets 403 outside its scopes, never simplejwt's 401.
        "extension_auth.authentication.ExtensionTokenAuthentication",
        "nexusone.accounts.authentication.MembershipJWTAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["nexusone.core.permissions.IsMerchantMember"],
    # JSON over HTTPS (DESIGN.md §6): form and multipart bodies get 415.
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "nexusone.core.pagination.CursorPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "nexusone.core.schema.AutoSchema",
    "EXCEPTION_HANDLER": "drf_standardized_errors.handler.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "nexusone.core.throttling.BurstThrottle",
        "nexusone.core.throttling.SustainedThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        # storefront events (analytics), a scoped DRF throttle beside the per-user limits above
        "analytics_events": env.str("THROTTLE_ANALYTICS_EVENTS", default="120/minute"),
    },
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
DRF_STANDARDIZED_ERRORS = {
    "ENABLE_IN_DEBUG_FOR_UNHANDLED_EXCEPTIONS": True,
    "EXCEPTION_HANDLER_CLASS": "nexusone.core.api_errors.NexusExceptionHandler",
    "ALLOWED_ERROR_STATUS_CODES": ["400", "401", "403", "404", "405", "406", "409", "413", "415", "429", "500"],
    "ERROR_SCHEMAS": {
        "400": "nexusone.core.schema.BadRequestResponse",
        "401": "nexusone.core.schema.ClientErrorResponse",
        "403": "nexusone.core.schema.ClientErrorResponse",
        "409": "nexusone.core.schema.ClientErrorResponse",
        "413": "nexusone.core.schema.ClientErrorResponse",
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "NexusOne API",
    "DESCRIPTION": "Dropshipping on CJ: inventory, orders, imports, extension sessions.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "ENUM_NAME_OVERRIDES": {
        "ValidationErrorEnum": "drf_standardized_errors.openapi_serializers.ValidationErrorEnum.choices",
        "ClientErrorEnum": "drf_standardized_errors.openapi_serializers.ClientErrorEnum.choices",
        "ServerErrorEnum": "drf_standardized_errors.openapi_serializers.ServerErrorEnum.choices",
    },
    "POSTPROCESSING_HOOKS": ["drf_standardized_errors.openapi_hooks.postprocess_schema_enums"],
}
SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=15),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=7),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": True,
    "SIGNING_KEY": SECRET_KEY,
}

# --- Celery -----------------------------------------------------------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "filesystem://")
CELERY_BROKER_TRANSPORT_OPTIONS: dict = {}
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = DATA_DIR / "broker"
    for _sub in ("out", "processed"):
        (_broker_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "out"),
        "data_folder_out": str(_broker_dir / "out"),
        "processed_folder": str(_broker_dir / "processed"),
        "store_processed": False,
    }
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# --- suppliers ------------------------------------------------------------------------
CJ_API_BASE_URL = env.str("CJ_API_BASE_URL", default="https://developers.cjdropshipping.com/api2.0/v1")
CJ_API_KEY = env.str("CJ_API_KEY", default="")
CJ_QPS = env.float("CJ_QPS", default=0)  # 0: take the account level's QPS
CJ_SANDBOX_API_KEY = env.str("CJ_SANDBOX_API_KEY", default="sandbox-key")
CJ_SANDBOX_ENABLED = env.bool("CJ_SANDBOX_ENABLED", default=False)
CJ_SANDBOX_ORDERS = env.bool("CJ_SANDBOX_ORDERS", default=False)  # send isSandbox=1 on every order
CJ_SANDBOX_WEBHOOK_URL = env.str("CJ_SANDBOX_WEBHOOK_URL", default="")
CJ_TIMEOUT = (env.float("CJ_CONNECT_TIMEOUT", default=5.0), env.float("CJ_READ_TIMEOUT", default=30.0))
CJ_MAX_ATTEMPTS = env.int("CJ_MAX_ATTEMPTS", default=3)
CJ_RETRY_MAX_WAIT = env.float("CJ_RETRY_MAX_WAIT", default=30.0)  # a longer Retry-After goes back to the caller
CJ_CIRCUIT_THRESHOLD = env.int("CJ_CIRCUIT_THRESHOLD", default=5)  # transient failures ...
CJ_CIRCUIT_WINDOW = env.int("CJ_CIRCUIT_WINDOW", default=60)  # ... within this many seconds open the circuit
CJ_CIRCUIT_COOLDOWN = env.int("CJ_CIRCUIT_COOLDOWN", default=30)  # seconds before a probe may close it
CJ_TOKEN_LOGIN_INTERVAL = env.int("CJ_TOKEN_LOGIN_INTERVAL", default=300)  # CJ allows one login per 5 minutes
CJ_CALL_LOG_ENABLED = env.bool("CJ_CALL_LOG_ENABLED", default=True)
# Share of the day's CJ points kept for imports, quotes and order-time stock checks; background sync stops short.
CJ_POINTS_RESERVE_PERCENT = env.int("CJ_POINTS_RESERVE_PERCENT", default=20)
# Before a supplier order is placed, its products' stock is read again when the last read is older than this.
ORDER_STOCK_RECHECK_MINUTES = env.int("ORDER_STOCK_RECHECK_MINUTES", default=30)

# --- live events (SSE) ---------------------------------------------------------------
# Streams end after this long and the browser reconnects; tests keep it short so the
# live server's request threads finish with the test.
EVENT_STREAM_MAX_SECONDS = env.int("EVENT_STREAM_MAX_SECONDS", default=5 if TESTING else 300)
# Open streams per user (tabs); past it a page polls its partials instead.
EVENT_STREAM_MAX_PER_USER = env.int("EVENT_STREAM_MAX_PER_USER", default=6)

# --- logging ---------------------------------------------------------------------------
# Web, worker and beat all log through this (nexusone/celery.py keeps Celery from replacing it).
# Beat's periodic upkeep: Celery's routine lines about these tasks (received, succeeded, sent on
# schedule) are logged at DEBUG; their failures and every other task's lines stay visible.
HOUSEKEEPING_TASKS = [
    "nexusone.core.tasks.heartbeat",
    "orders.tasks.sweep_submissions_task",
    "nexusone.suppliers.tasks.sweep_webhooks",
    "orders.tasks.poll_tracking_task",
    "nexusone.suppliers.tasks.prune_call_logs",
    "nexusone.accounts.tasks.delete_old_exports_task",
    "nexusone.accounts.tasks.erase_deleted_stores_task",
    "nexusone.notifications.tasks.sweep_notifications_task",
]
CELERY_ROUTINE_LOGGERS = ["celery.app.trace", "celery.worker.strategy", "celery.beat"]
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"console": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "filters": {
        "redact": {"()": "nexusone.core.logging.RedactSecretsFilter"},
        "quiet_housekeeping": {"()": "nexusone.core.logging.QuietHousekeepingFilter", "tasks": HOUSEKEEPING_TASKS},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["redact"], "formatter": "console"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        **{name: {"filters": ["quiet_housekeeping"]} for name in CELERY_ROUTINE_LOGGERS},
    },
}
