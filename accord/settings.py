"""One settings module, read from the environment with strict parsers.

Every setting is listed in `.env.example`. A secret can also be read from a file named by
`NAME_FILE` (for container secrets).
"""

import ipaddress
import os
from pathlib import Path

import dj_database_url
import plotly
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent


def env(name: str, default: str = "") -> str:
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        return Path(file_name).read_text().strip()
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = env(name, "")
    if raw == "":
        return default
    lowered = raw.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean (use true or false)")


def env_int(name: str, default: int) -> int:
    raw = env(name, "")
    if raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not an integer") from None


def env_networks(name: str) -> list[str]:
    """A comma-separated list of IP addresses or networks (CIDR)."""
    entries = [e.strip() for e in env(name, "").split(",") if e.strip()]
    for entry in entries:
        try:
            ipaddress.ip_network(entry, strict=False)
        except ValueError:
            raise ImproperlyConfigured(
                f"{name}: {entry!r} is not an IP address or network (such as 10.0.0.0/8)"
            ) from None
    return entries


DATA_DIR = Path(env("ACCORD_DATA_DIR", "var")).resolve()


def private_data_dir() -> None:
    """The data folder, created readable by its owner only (it holds the key and database)."""
    if not DATA_DIR.exists():
        DATA_DIR.mkdir(mode=0o700, parents=True)
        DATA_DIR.chmod(0o700)  # mkdir's mode is narrowed by the umask, never widened


def private_file(path: Path) -> bool:
    """Create an empty file readable by its owner only; False when it already exists."""
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        return False
    return True


def publish_private_file(path: Path, text: str) -> None:
    """Write `path` readable by its owner only, whole or not at all; the first writer wins."""
    draft = path.with_name(f".{path.name}.{os.getpid()}")
    descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as stream:
        stream.write(text)
    try:
        os.link(draft, path)
    except FileExistsError:
        pass
    finally:
        draft.unlink()


DEBUG = env_bool("ACCORD_DEBUG", False)
SECRET_KEY = env("ACCORD_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG and env_bool("ACCORD_REQUIRE_SECRET_KEY", False):
        raise ImproperlyConfigured("ACCORD_SECRET_KEY must be set")
    # A local install without a configured key gets a stable one kept in the data folder.
    key_file = DATA_DIR / "secret_key"
    try:
        private_data_dir()
        if not key_file.exists():
            import secrets

            publish_private_file(key_file, secrets.token_urlsafe(50))
        elif key_file.stat().st_mode & 0o077:
            key_file.chmod(0o600)  # generated readable by all before this was fixed
        SECRET_KEY = key_file.read_text().strip()
    except OSError:
        pass
    if not SECRET_KEY:  # a read-only data folder: a key for this process only
        import secrets

        SECRET_KEY = secrets.token_urlsafe(50)

ALLOWED_HOSTS = [h.strip() for h in env("ACCORD_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")]
ALLOWED_HOSTS = [h for h in ALLOWED_HOSTS if h]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in env("ACCORD_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "accord.core.static_files.Collection",  # django.contrib.staticfiles, leaving out unused files
    "django.contrib.humanize",
    "django.contrib.postgres",
    "ninja",
    "django_htmx",
    "django_tables2",
    "django_filters",
    "bootstrap",
    "heroicons",
    "django_tasks",
    "django_tasks_db",
    "accord.core",
    "accord.accounts",
    "accord.directory",
    "accord.strategy",
    "accord.partnerships",
    "accord.screening",
    "accord.scouting",
    "accord.pilots",
    "accord.governance",
    "accord.metrics",
    "accord.portfolio",
    "accord.ventures",
    "accord.relationships",
    "accord.notifications",
    "accord.dashboard",
]

MIDDLEWARE = [
    "accord.core.middleware.RequestLogMiddleware",
    "accord.core.middleware.RequestBodyLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "accord.core.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accord.core.middleware.UserTimeZoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "accord.core.middleware.WebChannelMiddleware",
    "accord.core.middleware.DatabaseBusyMiddleware",
]

ROOT_URLCONF = "accord.urls"
WSGI_APPLICATION = "accord.wsgi.application"

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
                "accord.core.context_processors.navigation",
            ],
        },
    },
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "NAME": "jinja2",
        "APP_DIRS": True,
        "OPTIONS": {"environment": "accord.jinja.environment"},
    },
]

DATA_DIR_DEFAULT_DB = f"sqlite:///{DATA_DIR / 'accord.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(env("DATABASE_URL", DATA_DIR_DEFAULT_DB))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Django's backend, plus the note a writer leaves for a long import (accord/core/sqlite).
    DATABASES["default"]["ENGINE"] = "accord.core.sqlite"
    # WAL lets readers work while one writer writes; IMMEDIATE avoids lock upgrade deadlocks.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
            " PRAGMA cache_size=-64000; PRAGMA temp_store=MEMORY; PRAGMA mmap_size=268435456;"
        ),
    }
    # Named, not left empty: test runners recognise an in-memory test database by Django's
    # engine name only, and would otherwise make a file beside the real one.
    DATABASES["default"]["TEST"] = {"NAME": env("ACCORD_TEST_SQLITE_NAME", "") or ":memory:"}
    # Created here, before SQLite would create it world-readable; its -wal and -shm files
    # take the database file's mode.
    sqlite_file = str(DATABASES["default"]["NAME"] or "")
    if sqlite_file and sqlite_file != ":memory:" and not sqlite_file.startswith("file:"):
        try:
            if Path(sqlite_file).parent == DATA_DIR:
                private_data_dir()
            private_file(Path(sqlite_file))
        except OSError:
            pass
# Kept between requests on either database: a new SQLite connection runs its pragmas, reads
# the schema again and starts with an empty page cache, on every request (benchmarks/pages.py
# measures the difference).
DATABASES["default"]["CONN_MAX_AGE"] = env_int("ACCORD_DB_CONN_MAX_AGE", 60)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "dashboard:home"
LOGOUT_REDIRECT_URL = "accounts:login"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "accord.accounts.single_sign_on.Backend",  # does nothing until OIDC_RP_CLIENT_ID is set
]

# Single sign-on through the company's OpenID Connect provider (mozilla-django-oidc), on when
# a client id is set. Its groups give Accord roles: ACCORD_OIDC_ROLE_GROUPS maps each role to
# groups ("admin:accord-admins; manager:alliance-office,corp-dev"); the highest role wins.
OIDC_RP_CLIENT_ID = env("ACCORD_OIDC_CLIENT_ID").strip()
OIDC_RP_CLIENT_SECRET = env("ACCORD_OIDC_CLIENT_SECRET")
OIDC_ISSUER = env("ACCORD_OIDC_ISSUER").strip()
OIDC_OP_AUTHORIZATION_ENDPOINT = env("ACCORD_OIDC_AUTHORIZATION_URL").strip()
OIDC_OP_TOKEN_ENDPOINT = env("ACCORD_OIDC_TOKEN_URL").strip()
OIDC_OP_USER_ENDPOINT = env("ACCORD_OIDC_USERINFO_URL").strip()
OIDC_OP_JWKS_ENDPOINT = env("ACCORD_OIDC_JWKS_URL").strip()
OIDC_RP_SIGN_ALGO = env("ACCORD_OIDC_SIGN_ALGORITHM", "RS256").strip()
OIDC_RP_SCOPES = env("ACCORD_OIDC_SCOPES", "openid email profile").strip()
OIDC_GROUPS_CLAIM = env("ACCORD_OIDC_GROUPS_CLAIM", "groups").strip()
OIDC_ROLE_GROUPS = env("ACCORD_OIDC_ROLE_GROUPS")
OIDC_BUTTON_LABEL = env("ACCORD_OIDC_BUTTON_LABEL", "Sign in with your company account").strip()
OIDC_USE_PKCE = True
OIDC_TIMEOUT = env_int("ACCORD_OIDC_TIMEOUT_SECONDS", 10)
OIDC_AUTHENTICATION_CALLBACK_URL = "accounts:sso_callback"
LOGIN_REDIRECT_URL_FAILURE = "accounts:login"

# A password reset link works this long; an account is sent at most one per interval.
PASSWORD_RESET_TIMEOUT = env_int("ACCORD_PASSWORD_RESET_HOURS", 24) * 3600
PASSWORD_RESET_MAIL_INTERVAL_MINUTES = env_int("ACCORD_PASSWORD_RESET_INTERVAL_MINUTES", 10)

# Sign-in throttling (accord/accounts/signin.py): free failures for one account at one address,
# and for an account from anywhere or an address against any account; after them each
# failure doubles the wait before the next attempt, from 1 s up to the cap. Failures are
# forgotten after the window passes without one.
LOGIN_FAILURE_LIMIT = env_int("ACCORD_LOGIN_FAILURE_LIMIT", 5)
LOGIN_SHARED_FAILURE_LIMIT = env_int("ACCORD_LOGIN_SHARED_FAILURE_LIMIT", 20)
LOGIN_DELAY_MAX_SECONDS = env_int("ACCORD_LOGIN_DELAY_MAX_SECONDS", 900)
LOGIN_FAILURE_WINDOW_SECONDS = env_int("ACCORD_LOGIN_FAILURE_WINDOW_SECONDS", 86400)

# Behind a reverse proxy: the proxies (addresses or networks) whose header naming the client
# (such as X-Forwarded-For) is believed. Without them the connecting address is the client.
TRUSTED_PROXIES = env_networks("ACCORD_TRUSTED_PROXIES")
TRUSTED_PROXY_HEADER = env("ACCORD_TRUSTED_PROXY_HEADER", "X-Forwarded-For").strip()

# API token use is noted in memory and stored this often, outside any request (0: never).
ACCORD_TOKEN_USE_FLUSH_SECONDS = env_int("ACCORD_TOKEN_USE_FLUSH_SECONDS", 60)

# A request that cannot get the database's write lock answers 503 with this Retry-After.
ACCORD_BUSY_RETRY_AFTER_SECONDS = env_int("ACCORD_BUSY_RETRY_AFTER_SECONDS", 5)

# E-mail (invitations): SMTP when ACCORD_EMAIL_HOST is set; otherwise messages are written to
# the server's output, which suits a demo and says so on the pages that send them.
EMAIL_HOST = env("ACCORD_EMAIL_HOST").strip()
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_PORT = env_int("ACCORD_EMAIL_PORT", 25)
EMAIL_HOST_USER = env("ACCORD_EMAIL_USER")
EMAIL_HOST_PASSWORD = env("ACCORD_EMAIL_PASSWORD")
EMAIL_USE_TLS = env_bool("ACCORD_EMAIL_TLS", False)
EMAIL_TIMEOUT = env_int("ACCORD_EMAIL_TIMEOUT_SECONDS", 10)
DEFAULT_FROM_EMAIL = env("ACCORD_EMAIL_FROM", "accord@localhost")
# A webhook endpoint answers within this many seconds, and is turned off after this many
# failed attempts in a row.
ACCORD_WEBHOOK_TIMEOUT_SECONDS = env_int("ACCORD_WEBHOOK_TIMEOUT_SECONDS", 10)
ACCORD_WEBHOOK_DISABLE_AFTER = env_int("ACCORD_WEBHOOK_DISABLE_AFTER", 10)
# Where e-mailed links point: the address people open Accord at.
SITE_URL = (
    env("ACCORD_SITE_URL").strip() or next(iter(CSRF_TRUSTED_ORIGINS), "http://localhost:8000")
).rstrip("/")
# An invitation link works once, for this many days.
INVITATION_DAYS = env_int("ACCORD_INVITATION_DAYS", 7)

# The currency that money from every partnership is added up in (ISO 4217 code).
BASE_CURRENCY = env("ACCORD_BASE_CURRENCY", "EUR").strip().upper()

# One limit for every upload and import, in megabytes of 1,048,576 bytes, shown as set.
UPLOAD_LIMIT_MB = env_int("ACCORD_UPLOAD_LIMIT_MB", 50)
UPLOAD_LIMIT_BYTES = UPLOAD_LIMIT_MB * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_TEMP_DIR = None
# A request body may exceed the upload limit by this much (form fields, multipart framing);
# anything larger is refused with 413 before it is read (core.middleware.RequestBodyLimit).
REQUEST_BODY_MARGIN_BYTES = 1024 * 1024
# What an XLSX workbook (a zip) may unpack to: a few MB of upload can hold GBs of XML.
IMPORT_UNPACKED_LIMIT_MB = env_int("ACCORD_IMPORT_UNPACKED_LIMIT_MB", 300)
# Import uploads never confirmed are deleted after this many hours.
UPLOAD_RETENTION_HOURS = env_int("ACCORD_UPLOAD_RETENTION_HOURS", 24)

LANGUAGE_CODE = "en-us"
FORMAT_MODULE_PATH = ["accord.formats"]
TIME_ZONE = env("ACCORD_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# Where `accord collect-static` writes; several servers may share one folder (and nginx serve it).
STATIC_ROOT = Path(env("ACCORD_STATIC_DIR") or DATA_DIR / "static").resolve()
# Plotly's own bundle, served from the installed package (no CDN, nothing copied).
STATICFILES_DIRS = [BASE_DIR / "static", ("plotly", Path(plotly.__file__).parent / "package_data")]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Names with a content hash, compressed, cached for a year; plain names until collected.
    "staticfiles": {"BACKEND": "accord.core.static_files.Storage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_KEEP_ONLY_HASHED_FILES = True  # half the compressing; finders serve plain names
# Files every server must see: uploaded documents (media/) and import uploads kept between
# preview and confirm (imports/). With several servers, point ACCORD_SHARED_DIR at storage they
# all mount; the rest of ACCORD_DATA_DIR (the scouting index files) is each machine's own.
SHARED_DIR = Path(env("ACCORD_SHARED_DIR") or DATA_DIR).resolve()
MEDIA_ROOT = SHARED_DIR / "media"
IMPORT_UPLOAD_DIR = SHARED_DIR / "imports"

# Background work (the scouting index refresh) is queued in the database and run by
# `accord worker`, which `accord serve` starts beside the web server.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# Scouting: the sentence-embedding model (from the `accord[ai]` extra; "none" turns meaning
# search off) and where the vector index files live.
SCOUTING_MODEL = env("ACCORD_SCOUTING_MODEL", "all-MiniLM-L6-v2")
SCOUTING_INDEX_DIR = DATA_DIR / "index"

# HTTPS. Behind a proxy that ends TLS, ACCORD_SECURE_PROXY_SSL_HEADER names the header in which
# it says "https" (such as X-Forwarded-Proto); set it only when the proxy always sets or strips
# that header. /healthz stays reachable over plain HTTP for load balancers.
SECURE_SSL_REDIRECT = env_bool("ACCORD_SECURE_SSL_REDIRECT", False)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env_int("ACCORD_SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("ACCORD_SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("ACCORD_SECURE_HSTS_PRELOAD", False)
_proxy_ssl_header = env("ACCORD_SECURE_PROXY_SSL_HEADER").strip()
if _proxy_ssl_header:
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + _proxy_ssl_header.upper().replace("-", "_"), "https")

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("ACCORD_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

DJANGO_TABLES2_TEMPLATE = "django_tables2/bootstrap5.html"

# One line per record on stderr. A refused request (403, 404, 413, a suspicious operation)
# is one line naming it, not a traceback; errors (500) keep theirs.
_ONE_LINE = {"filters": ["denials_in_one_line"]}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"denials_in_one_line": {"()": "accord.core.log_filters.DenialsInOneLine"}},
    "formatters": {
        "line": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
        "json": {"format": "%(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "line",
            "filters": ["denials_in_one_line"],
        },
        "requests": {"class": "logging.StreamHandler", "formatter": "json"},
    },
    "root": {"handlers": ["console"], "level": env("ACCORD_LOG_LEVEL", "WARNING")},
    # Filters run where a record is made, so each logger that reports refusals gets one.
    "loggers": {
        name: _ONE_LINE
        for name in (
            "django.request",
            "django.security",
            "django.security.csrf",
            *(
                f"django.security.{kind}"
                for kind in (
                    "DisallowedHost",
                    "DisallowedRedirect",
                    "RequestDataTooBig",
                    "SuspiciousFileOperation",
                    "SuspiciousMultipartForm",
                    "SuspiciousOperation",
                    "SuspiciousSession",
                    "TooManyFieldsSent",
                    "TooManyFilesSent",
                )
            ),
        )
    }
    | {
        # One JSON line per request (accord/core/middleware.py).
        "accord.requests": {
            "handlers": ["requests"],
            "level": "INFO" if env_bool("ACCORD_REQUEST_LOG", True) else "WARNING",
            "propagate": False,
        }
    },
}
