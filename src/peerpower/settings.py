"""Settings for Peer Power, read from environment variables.

One module serves development, tests and production. `DJANGO_ENV=production` turns on the
hardened settings (and then SECRET_KEY and ALLOWED_HOSTS must be given); everything else has a
default that runs on one machine with the embedded SQLite database.
"""

import os
import sys
import tempfile
from pathlib import Path
from typing import Any

import dj_database_url
import django_stubs_ext
from django.core.exceptions import ImproperlyConfigured

# Lets `admin.ModelAdmin[Model]` and other generic annotations work at run time.
django_stubs_ext.monkeypatch()


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def redis_url_for_worker(url: str, worker: str) -> str:
    """`redis://host:port/15` for pytest-xdist's worker "gw2" is `redis://host:port/13`."""
    base, _, number = url.rstrip("/").rpartition("/")
    if not number.isdigit() or not base.startswith(("redis://", "rediss://")):
        raise ImproperlyConfigured(f"REDIS_URL must end in a database number, got {url!r}")
    database = int(number) - int(worker.removeprefix("gw"))
    if database < 0:
        raise ImproperlyConfigured(f"REDIS_URL {url!r} has no database left for worker {worker}")
    return f"{base}/{database}"


PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent.parent
# Everything the app writes at run time (SQLite files, the task queue, mail, static files).
VAR_DIR = Path(env_str("PEERPOWER_VAR_DIR", str(PROJECT_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

PRODUCTION = env_str("DJANGO_ENV", "development") == "production"
# pytest imports this module inside its own process; tasks then run inline and mail stays in
# memory, so a test sees every side effect of the request it made.
TESTING = "pytest" in sys.modules

DEBUG = env_bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("Set SECRET_KEY in the environment for production.")
    SECRET_KEY = "development-only-key-not-for-production-use-0123456789abcdefghijklmnop"  # noqa: S105

ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", [] if PRODUCTION else ["localhost", "127.0.0.1", "[::1]", "testserver"]
)
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("Set ALLOWED_HOSTS in the environment for production.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# Absolute links in emails and calendar files.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "rules.apps.AutodiscoverRulesConfig",
    "django_htmx",
    "template_partials",
    "huey.contrib.djhuey",
    "peerpower.lib",
    "peerpower.accounts",
    "peerpower.networks",
    "peerpower.groups",
    "peerpower.meetings",
    "peerpower.issues",
    "peerpower.speakers",
    "peerpower.guests",
    "peerpower.backups",
    "peerpower.privacy",
    "peerpower.audit",
    "peerpower.coaching",
    "peerpower.fees",
    "peerpower.networking",
    "peerpower.formation",
    "peerpower.impact",
    "peerpower.api",
    "peerpower.webhooks",
    "peerpower.demo",
    # django-ninja's templates (its Swagger UI page is off: api/v1.py).
    "ninja",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before WhiteNoise, so static files get the policy headers too.
    "peerpower.lib.security.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # The person's memberships and roles, loaded once per request for every rule (groups.access).
    "peerpower.groups.access.AccessMiddleware",
    # Refusals met inside a transaction are written once the view has returned (audit.actions).
    "peerpower.audit.middleware.AuditMiddleware",
    # Cache-Control: private, no-store for every logged-in person and every secret-token URL.
    "peerpower.lib.security.PrivateNoStoreMiddleware",
    # The site's page for a bare 405 (lib.errors).
    "peerpower.lib.errors.ErrorPageMiddleware",
    # An htmx request sent to log in or to a second factor takes the whole page there.
    "peerpower.lib.htmx.HtmxAuthRedirectMiddleware",
    # Deny by default: every view needs a login unless marked @login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "peerpower.accounts.middleware.UserTimeZoneMiddleware",
    "peerpower.accounts.middleware.MfaRequiredMiddleware",
    # A guest's account reaches the guest pages and nothing of the groups (guests.middleware).
    "peerpower.guests.middleware.GuestScopeMiddleware",
]

# Benchmarks only: each response says how much CPU it cost its worker (lib/timing.py).
if env_bool("PEERPOWER_BENCH_TIMING"):
    MIDDLEWARE.insert(0, "peerpower.lib.timing.CpuTimingMiddleware")

ROOT_URLCONF = "peerpower.urls"
# A form posted without a valid CSRF token gets the site's page (templates/403_csrf.html).
CSRF_FAILURE_VIEW = "peerpower.lib.errors.csrf_failure"
FORM_RENDERER = "peerpower.lib.forms.FormRenderer"
WSGI_APPLICATION = "peerpower.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "peerpower.context_processors.navigation",
            ],
        },
    },
]

DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60), conn_health_checks=True
        )
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env_str("SQLITE_PATH", str(VAR_DIR / "peerpower.sqlite3")),
            # Keep each worker's connection: opening one runs the PRAGMAs below every time.
            "CONN_MAX_AGE": env_int("DB_CONN_MAX_AGE", 60),
            "CONN_HEALTH_CHECKS": True,
            # Tests use a file too: an in-memory database shares locks differently (it
            # answers "table is locked" where a file waits), so concurrency tests would lie.
            # One file per process, so parallel runs do not share one.
            "TEST": {"NAME": str(VAR_DIR / f"test-peerpower-{os.getpid()}.sqlite3")},
            "OPTIONS": {
                # Several gunicorn workers and the task worker share one file: WAL lets readers
                # run beside a writer, IMMEDIATE takes the write lock at BEGIN (so a transaction
                # never fails half-way on an upgrade), and the timeout waits for the lock.
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

REDIS_URL = env_str("REDIS_URL")
if REDIS_URL and TESTING and os.environ.get("PYTEST_XDIST_WORKER"):
    # Every test empties the cache (tests/conftest.py), so parallel pytest-xdist workers must
    # not share a Redis database: worker gwK takes database N-K below the one given. The
    # environment is updated too, so servers a test starts (the coaching race) share it.
    REDIS_URL = redis_url_for_worker(REDIS_URL, os.environ["PYTEST_XDIST_WORKER"])
    os.environ["REDIS_URL"] = REDIS_URL
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    # Shared by every process (rate limits must hold across workers), with no extra server.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "peerpower_cache",
        }
    }

HUEY: dict[str, object]
if REDIS_URL:
    HUEY = {"huey_class": "huey.RedisHuey", "name": "peerpower", "url": REDIS_URL}
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "peerpower",
        "filename": str(VAR_DIR / "huey.sqlite3"),
    }
HUEY["immediate"] = TESTING or env_bool("HUEY_IMMEDIATE", default=False)
HUEY["consumer"] = {"workers": env_int("HUEY_WORKERS", 2), "worker_type": "thread"}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

# django-allauth: email only, verified, no public sign-up (people arrive by invitation).
ACCOUNT_ADAPTER = "peerpower.accounts.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Peer Power] "
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "login": "30/m/ip",
    "reset_password": "20/m/ip,5/m/key",
}
MFA_ADAPTER = "peerpower.accounts.adapter.MfaAdapter"
# Fernet keys that encrypt two-factor secrets at rest, newest first, comma-separated (make one
# with `manage.py mfa_key`). Kept out of the database; required in production (a deploy check).
PEERPOWER_MFA_KEYS = env_list("PEERPOWER_MFA_KEY", [])
# Fernet keys that encrypt backup archives, newest first (`manage.py backup --new-key`). Keep
# them apart from the backups: whoever holds both can read every confidential note.
PEERPOWER_BACKUP_KEYS = env_list("PEERPOWER_BACKUP_KEY", [])
# Secrets that keep speaker feedback anonymous (speakers/sealing.py), newest first,
# comma-separated: a keyed hash of who answered, and answers sealed until the feedback window
# closes. Kept out of the database; without it, one derived from SECRET_KEY.
PEERPOWER_FEEDBACK_KEYS = env_list("PEERPOWER_FEEDBACK_KEY", [])
# Webhooks (webhooks/actions.py): in production an endpoint must be https:// on the public
# internet, so a network's admin cannot make the site post to its own machines (Redis, a
# metadata service). Development and the tests send to a receiver on loopback.
WEBHOOKS_ALLOW_HTTP = env_bool("WEBHOOKS_ALLOW_HTTP", default=not PRODUCTION)
WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = env_bool(
    "WEBHOOKS_ALLOW_PRIVATE_ADDRESSES", default=not PRODUCTION
)
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_PASSKEY_LOGIN_ENABLED = True
MFA_TOTP_ISSUER = "Peer Power"
# Accept the code of the 30-second step before or after too (RFC 6238 suggests one step), so a
# code typed as the phone rolls over, or a phone a few seconds adrift, still works.
MFA_TOTP_TOLERANCE = 1
# Passkeys need a secure origin; localhost counts as one, so this only matters in tests.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = not PRODUCTION

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
# Our own wording for some of allauth's strings (sentence case): locale/en_GB.
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = Path(env_str("PEERPOWER_MEDIA_ROOT", str(VAR_DIR / "media")))
# Speakers' slides and handouts: under MEDIA_ROOT, or in an S3-compatible bucket when one is
# named (django-storages; credentials from boto3's usual sources, e.g. AWS_ACCESS_KEY_ID and
# AWS_SECRET_ACCESS_KEY). The files are never public: only `speakers:resource` serves them,
# after its check, so no object gets an ACL of its own or a URL is ever handed out.
S3_BUCKET = env_str("PEERPOWER_S3_BUCKET")
if S3_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": env_str("PEERPOWER_S3_ENDPOINT_URL") or None,
            "region_name": env_str("PEERPOWER_S3_REGION") or None,
            "location": env_str("PEERPOWER_S3_PREFIX", "media"),
            "default_acl": None,  # the bucket's own (private) policy
            "file_overwrite": False,
        },
    }
if TESTING:  # uploads made by tests go to a throwaway folder, not the project's var/
    MEDIA_ROOT = Path(tempfile.gettempdir()) / f"peerpower-test-media-{os.getpid()}"
# Tests serve static files straight from the app folders (no collectstatic needed).
WHITENOISE_USE_FINDERS = TESTING or DEBUG
if WHITENOISE_USE_FINDERS:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns on every start without it

EMAIL_HOST = env_str("EMAIL_HOST")
if TESTING:
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
elif EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=True)
elif env_str("EMAIL_BACKEND") == "console":
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Peer Power <no-reply@peerpower.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Content Security Policy (sent by peerpower.lib.security): nothing inline, nothing from
# elsewhere. Written as Django 6.0's SECURE_CSP; `data:` images are Bootstrap's icons and the
# TOTP QR code.
SECURE_CSP: dict[str, list[str]] = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
    "base-uri": ["'none'"],
}
# Powerful browser features the site never uses. Passkeys (publickey-credentials-*) and the
# clipboard keep their default: this origin only.
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=()"
)
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=True)

# Secrets in URLs (feed and invitation tokens, reply links) are masked in every logged line
# and error report (peerpower.lib.redact).
DEFAULT_EXCEPTION_REPORTER = "peerpower.lib.redact.SecretHidingExceptionReporter"
DEFAULT_EXCEPTION_REPORTER_FILTER = "peerpower.lib.redact.SecretHidingReporterFilter"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "redact_secrets": {"()": "peerpower.lib.redact.RedactSecrets"},
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["redact_secrets"]},
        # Mails errors to ADMINS (if set) with the redacted report.
        "mail_admins": {
            "class": "django.utils.log.AdminEmailHandler",
            "filters": ["require_debug_false", "redact_secrets"],
            "level": "ERROR",
        },
    },
    "root": {
        "handlers": ["console"],
        "level": env_str("LOG_LEVEL", "WARNING" if TESTING else "INFO"),
    },
    "loggers": {
        # Django's own loggers, so none keeps the handlers of Django's default configuration
        # (which have no redaction); "django" reaches the console through the root.
        "django": {"handlers": ["mail_admins"], "level": "INFO"},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # SQL with its parameters would carry what members wrote into the logs; never below
        # WARNING.
        "django.db.backends": {"level": "WARNING", "handlers": ["console"], "propagate": False},
    },
}

# Each group's meetings are generated this many months ahead.
SERIES_MONTHS_AHEAD = 12
# An invitation link works for this many days.
INVITATION_DAYS_VALID = 14

# Guests (peerpower.guests): the public request form's spam limits and the default retention.
GUESTS_MIN_FILL_SECONDS = env_int("GUESTS_MIN_FILL_SECONDS", 3)
GUESTS_RATE_PER_IP = env_int("GUESTS_RATE_PER_IP", 5)
GUESTS_RATE_PER_EMAIL = env_int("GUESTS_RATE_PER_EMAIL", 3)
GUESTS_RATE_WINDOW_SECONDS = env_int("GUESTS_RATE_WINDOW_SECONDS", 600)
GUESTS_RETENTION_MONTHS = 12
# The audit log (peerpower.audit) keeps this many months of entries.
AUDIT_RETENTION_MONTHS = 24

if TESTING:
    # Deliberately slow hashing is the point in production and pure waste in tests.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# The HTTP API (/api/v1/): requests per personal access token per window, counted in the
# shared cache so every app server counts together (api/v1.py).
API_RATE_LIMIT = env_int("PEERPOWER_API_RATE_LIMIT", 120)
API_RATE_WINDOW_SECONDS = env_int("PEERPOWER_API_RATE_WINDOW_SECONDS", 60)
