"""One settings module for every environment, driven by typed environment variables.

Anything that differs between the demo, tests and production is read from the environment here, so a
deployment never edits Python. Unknown or malformed values fail loudly at start-up.
"""

from __future__ import annotations

import importlib.util
import os
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from safecity.core import proxies

SRC_DIR = Path(__file__).resolve().parent
BASE_DIR = SRC_DIR.parent.parent
VAR_DIR = Path(os.environ.get("SAFECITY_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from None


def env_float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a number of seconds, not {raw!r}") from None
    if not 0 <= value <= 3600:
        raise ImproperlyConfigured(f"{name} must be between 0 and 3600 seconds, not {raw!r}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def _secret_key() -> str:
    """Secret from SAFECITY_SECRET_KEY(_FILE); otherwise one generated once per installation in var/."""
    if key := os.environ.get("SAFECITY_SECRET_KEY"):
        return key
    if path := os.environ.get("SAFECITY_SECRET_KEY_FILE"):
        return Path(path).read_text().strip()
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("SAFECITY_DEBUG", False)
ALLOWED_HOSTS = env_list("SAFECITY_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("SAFECITY_CSRF_TRUSTED_ORIGINS", [])

# CJIS Security Policy mode: the production default. The demo turns it off and says so on every page.
CJI_MODE = env_bool("SAFECITY_CJI_MODE", True)
DEMO_MODE = env_bool("SAFECITY_DEMO_MODE", False)
# Served behind TLS: enables HSTS and secure cookies.
TLS = env_bool("SAFECITY_TLS", False)
CITY_NAME = os.environ.get("SAFECITY_CITY_NAME", "safecity")
# Reverse proxies whose X-Forwarded-For / X-Forwarded-Proto we believe: CIDRs, or a hop count. Default none.
TRUSTED_PROXIES = proxies.parse(os.environ.get("SAFECITY_TRUSTED_PROXIES"))

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "safecity.core",
    "safecity.incidents",
    "safecity.policing",
    "safecity.demo",
]

MIDDLEWARE = [
    "safecity.core.middleware.ProxyHeadersMiddleware",
    "safecity.core.middleware.SecurityHeadersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "safecity.core.uploads.UploadLimitMiddleware",  # before anything reads the body
    "safecity.core.middleware.NullCharacterGuardMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "safecity.core.middleware.RequestContextMiddleware",
    "safecity.core.ratelimit.ApiRateLimitMiddleware",
    "safecity.core.middleware.SessionPolicyMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

# django-ninja's templates and Swagger assets are used without listing "ninja" among the apps: an installed
# app is imported by every `django.setup()`, and importing ninja (and pydantic with it) would add ~150 ms to
# every command-line run. `safecity.api` renders the docs page from these folders itself.
_ninja_spec = importlib.util.find_spec("ninja")
if _ninja_spec is None or not _ninja_spec.submodule_search_locations:
    raise ImproperlyConfigured("django-ninja is not installed; run 'uv sync' (make demo and make test do this).")
NINJA_DIR = Path(next(iter(_ninja_spec.submodule_search_locations)))

ROOT_URLCONF = "safecity.urls"
WSGI_APPLICATION = "safecity.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [SRC_DIR / "templates", NINJA_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "safecity.core.context_processors.shell",
            ],
        },
    }
]

# Django's renderer, with <select> written in Python (the incident list's ~240 options were a third of its CPU).
FORM_RENDERER = "safecity.core.formrender.FastSelectRenderer"

DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
    # Optional PostgreSQL lock_timeout (seconds; 0 waits forever): a request blocked longer answers 503.
    pg_lock_timeout = env_float("SAFECITY_PG_LOCK_TIMEOUT", 0.0)
    if pg_lock_timeout and "postgresql" in DATABASES["default"]["ENGINE"]:
        DATABASES["default"].setdefault("OPTIONS", {})["options"] = f"-c lock_timeout={int(pg_lock_timeout * 1000)}"
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("SAFECITY_SQLITE_PATH", str(VAR_DIR / "safecity.sqlite3")),
            # Keep each server thread's connection (as PostgreSQL does): opening one and running the PRAGMAs
            # below cost ~1 ms of CPU on every request.
            "CONN_MAX_AGE": 60,
            "OPTIONS": {
                # IMMEDIATE takes the write lock at BEGIN, which is what serializes audit-chain appends.
                "transaction_mode": "IMMEDIATE",
                # Seconds a write waits for another's lock before the request answers 503 (Retry-After).
                "timeout": env_float("SAFECITY_SQLITE_BUSY_TIMEOUT", 20.0),
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
            },
            "TEST": {"NAME": os.environ.get("SAFECITY_SQLITE_TEST_PATH") or None},
        }
    }
# A write that timed out on a lock before doing anything is tried this many more times before 503.
DB_BUSY_RETRIES = env_int("SAFECITY_DB_BUSY_RETRIES", 2)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "core:home"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# zxcvbn's score: 0 trivial … 4 very strong; 3 ≈ 10^8+ guesses (docs/security.md, finding 6).
PASSWORD_MIN_SCORE = env_int("SAFECITY_PASSWORD_MIN_SCORE", 3)
if not 0 <= PASSWORD_MIN_SCORE <= 4:
    raise ImproperlyConfigured(f"SAFECITY_PASSWORD_MIN_SCORE must be 0–4, not {PASSWORD_MIN_SCORE}")
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    # CJIS IA-5(1)(a): at least 8 characters; NIST 800-63B-4 asks for 15 when a password is the only factor.
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 15 if not CJI_MODE else 12},
    },
    # Django's common-password (20,000) and all-digits checks, with messages that say what to do instead.
    {"NAME": "safecity.core.passwords.CommonPasswordValidator"},
    {"NAME": "safecity.core.passwords.NumericPasswordValidator"},
    # CJIS IA-5(1)(a): packaged + operator-loaded compromised lists (`safecity passwords update`, quarterly).
    {"NAME": "safecity.core.passwords.CompromisedPasswordValidator"},
    {"NAME": "safecity.core.passwords.StrengthValidator", "OPTIONS": {"min_score": PASSWORD_MIN_SCORE}},
    # NIST 800-63B-4 §3.1.1.2: no repetitive or sequential passwords (aaaa, abcabc, 123456, qwerty).
    {"NAME": "safecity.core.passwords.RepeatSequenceValidator"},
    {"NAME": "safecity.core.passwords.MaximumLengthValidator"},
]

# Session policy (CJIS AC-11, IA-11): idle sessions end after 30 minutes, re-authentication after 12 hours.
SESSION_IDLE_SECONDS = env_int("SAFECITY_SESSION_IDLE_SECONDS", 30 * 60)
SESSION_MAX_AGE_SECONDS = env_int("SAFECITY_SESSION_MAX_AGE_SECONDS", 12 * 60 * 60)
SESSION_COOKIE_AGE = SESSION_MAX_AGE_SECONDS
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = TLS
CSRF_COOKIE_SECURE = TLS
CSRF_COOKIE_HTTPONLY = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Sign-in lockout (CJIS AC-7): 5 failures within 15 minutes lock the account until an administrator releases it.
LOCKOUT_FAILURES = 5
LOCKOUT_WINDOW_SECONDS = 15 * 60
RATE_LIMIT_SIGNIN_PER_MINUTE = env_int("SAFECITY_RATE_LIMIT_SIGNIN_PER_MINUTE", 30)
RATE_LIMIT_API_PER_MINUTE = env_int("SAFECITY_RATE_LIMIT_API_PER_MINUTE", 600)
RATE_LIMIT_TOKEN_FAILURES_PER_MINUTE = env_int("SAFECITY_RATE_LIMIT_TOKEN_FAILURES_PER_MINUTE", 20)
# Complainant status lookups by reference code per client address (policing complaints, a public page).
RATE_LIMIT_COMPLAINT_STATUS_PER_MINUTE = env_int("SAFECITY_RATE_LIMIT_COMPLAINT_STATUS_PER_MINUTE", 10)
# Rate-limit counters are shared by every worker: in the database by default, in Redis when this is set.
REDIS_URL = os.environ.get("SAFECITY_REDIS_URL", "").strip()
if REDIS_URL and not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured(f"SAFECITY_REDIS_URL must start with redis://, rediss:// or unix://, not {REDIS_URL!r}")
RATE_LIMIT_REDIS_PREFIX = os.environ.get("SAFECITY_RATE_LIMIT_REDIS_PREFIX", "safecity:rl:")
API_TOKEN_MAX_DAYS = 365

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if TLS:
    SECURE_HSTS_SECONDS = 63072000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SAFECITY_SSL_REDIRECT", True)

# Audit chain (AU-9): the HMAC key, old keys and signed checkpoints live outside the database.
# See docs/security.md, "Keyed audit chain" and "Anchored audit chain".
AUDIT_KEY = os.environ.get("SAFECITY_AUDIT_KEY", "")
AUDIT_KEY_FILE = os.environ.get("SAFECITY_AUDIT_KEY_FILE", "")
AUDIT_KEY_GENERATED_FILE = VAR_DIR / "audit_key"  # made once (0600) when neither of the two above is set
AUDIT_KEYRING_DIR = Path(os.environ.get("SAFECITY_AUDIT_KEYRING") or VAR_DIR / "audit-keys")
AUDIT_CHECKPOINT_FILE = Path(os.environ.get("SAFECITY_AUDIT_CHECKPOINT_FILE") or VAR_DIR / "audit-checkpoints.log")
AUDIT_CHECKPOINT_SINKS = env_list("SAFECITY_AUDIT_CHECKPOINT_SINKS", ["file"])
for _sink in AUDIT_CHECKPOINT_SINKS:
    if _sink != "file" and not _sink.startswith(("file:/", "syslog:/", "http://", "https://")):
        raise ImproperlyConfigured(f"SAFECITY_AUDIT_CHECKPOINT_SINKS: unknown sink {_sink!r} "
                                   "(use file, file:/path, syslog://host:port, syslog:/dev/log or an http(s) URL)")

CACHES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "safecity"},
    # Computed analyses (`core.resultcache`): this process's memory first (resultcache.memory, objects kept
    # as they are), then a store the server's worker processes share (files in var/, or Redis when
    # SAFECITY_REDIS_URL is set). Entries are keyed by the data versions they were computed from, so neither
    # can serve a stale result.
    "results-shared": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                       "LOCATION": str(VAR_DIR / "cache" / "results"), "TIMEOUT": 3600,
                       "OPTIONS": {"MAX_ENTRIES": 500}},
}
# Compute the analyses' default views in a background process when the server starts and after a web import
# (core/warmup.py), so the first person to open CompStat after new data does not wait for it.
RESULT_WARMUP = env_bool("SAFECITY_WARM_RESULTS", True)
if REDIS_URL:
    CACHES["results-shared"] = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL,
                                "TIMEOUT": 3600, "KEY_PREFIX": "safecity:results"}

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("SAFECITY_TIME_ZONE", "America/Chicago")
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
NODE_MODULES = Path(os.environ.get("SAFECITY_NODE_MODULES", BASE_DIR / "node_modules"))
STATICFILES_DIRS: list[Path | tuple[str, Path]] = [SRC_DIR / "static", NINJA_DIR / "static"]
if (NODE_MODULES / "@uswds/uswds/dist").is_dir():
    STATICFILES_DIRS.append(("vendor/uswds", NODE_MODULES / "@uswds/uswds/dist"))
elif not env_bool("SAFECITY_ALLOW_MISSING_ASSETS", False):
    raise ImproperlyConfigured(
        f"USWDS assets not found under {NODE_MODULES}; run 'npm ci' (make demo and make test do this)."
    )
# MapLibre GL JS and the PMTiles reader, served from our own origin like USWDS (docs/maps.md).
for _name, _dist in (("maplibre-gl", "maplibre-gl/dist"), ("pmtiles", "pmtiles/dist")):
    if (NODE_MODULES / _dist).is_dir():
        STATICFILES_DIRS.append((f"vendor/{_name}", NODE_MODULES / _dist))
# The street map under every interactive map (docs/maps.md). A PMTiles file we serve ourselves (with HTTP
# range requests), or a tile URL the city runs; with neither, the demo shows its generated Riverton streets and
# any other city its districts and beats alone. Nothing is fetched from anyone else unless a city says so.
BASEMAP_PMTILES = os.environ.get("SAFECITY_BASEMAP_PMTILES", "")
BASEMAP_TILE_URL = os.environ.get("SAFECITY_BASEMAP_TILE_URL", "")
BASEMAP_ATTRIBUTION = os.environ.get("SAFECITY_BASEMAP_ATTRIBUTION", "")
if BASEMAP_TILE_URL:
    _tiles = urlsplit(BASEMAP_TILE_URL)
    if _tiles.scheme not in ("https", "http") or not _tiles.netloc or not all(
            part in BASEMAP_TILE_URL for part in ("{z}", "{x}", "{y}")):
        raise ImproperlyConfigured(
            "SAFECITY_BASEMAP_TILE_URL must be an http(s) URL with {z}, {x} and {y} in it, e.g. "
            f"https://tiles.example.gov/streets/{{z}}/{{x}}/{{y}}.png (got {BASEMAP_TILE_URL!r})")
if BASEMAP_PMTILES and not Path(BASEMAP_PMTILES).is_file():
    raise ImproperlyConfigured(f"SAFECITY_BASEMAP_PMTILES: no file at {BASEMAP_PMTILES}")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_ROOT = VAR_DIR / "media"
DATA_UPLOAD_MAX_MEMORY_SIZE = 50 * 1024 * 1024  # bodies read into memory (JSON, forms); larger answer 413
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# Uploads over the web and the API (the command line reads local files and has no limit): 413 above this.
MAX_UPLOAD_MB = env_int("SAFECITY_MAX_UPLOAD_MB", 100)
# Imports: uploads wait for "Import" in the staging folder, batches keep their full error report in
# IMPORT_DIR/batches/<id>/; the database keeps at most IMPORT_MAX_STORED_ERRORS error rows per import.
IMPORT_DIR = Path(os.environ.get("SAFECITY_IMPORT_DIR") or VAR_DIR / "imports")
IMPORT_STAGING_DIR = Path(os.environ.get("SAFECITY_IMPORT_STAGING_DIR") or IMPORT_DIR / "staging")
IMPORT_STAGING_MAX_AGE_HOURS = env_int("SAFECITY_IMPORT_STAGING_MAX_AGE_HOURS", 24)
IMPORT_MAX_STORED_ERRORS = env_int("SAFECITY_IMPORT_MAX_STORED_ERRORS", 1000)
# A running import writes a heartbeat at least this often; one silent for IMPORT_STALE_MINUTES was killed.
IMPORT_HEARTBEAT_SECONDS = env_int("SAFECITY_IMPORT_HEARTBEAT_SECONDS", 30)
IMPORT_STALE_MINUTES = env_int("SAFECITY_IMPORT_STALE_MINUTES", 10)
# Files of at least IMPORT_WORKER_MIN_BYTES are parsed in a forked process while this one writes
# (importers/worker.py; -1 never forks). On PostgreSQL, inserts use COPY unless IMPORT_POSTGRES_COPY is off.
IMPORT_WORKER_MIN_BYTES = env_int("SAFECITY_IMPORT_WORKER_MIN_BYTES", 1 << 20)
IMPORT_POSTGRES_COPY = env_bool("SAFECITY_IMPORT_POSTGRES_COPY", True)
# A load of at least this many rows (the file's lines) into a table no larger than the load drops
# the tables' read-only indexes and rebuilds them once at the end (core/importing/indexes.py; -1 never).
IMPORT_DEFER_INDEXES_MIN_ROWS = env_int("SAFECITY_IMPORT_DEFER_INDEXES_MIN_ROWS", 100_000)

NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 500

OTP_TOTP_ISSUER = f"safecity {CITY_NAME}"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("SAFECITY_LOG_LEVEL", "WARNING")},
}

# Body-worn camera activation compliance (policing/compliance.py; docs/policing.md, "Body-worn cameras"): an
# officer's recording counts for an event when it overlaps [arrival − BEFORE, departure + AFTER]; without a
# recorded departure the event is taken to last DEFAULT_EVENT minutes. Agency policy decides these; the
# defaults say "the camera was running at some moment within 2 minutes of the officer's time on scene".
POLICING_BWC_WINDOW_BEFORE_MINUTES = env_int("SAFECITY_POLICING_BWC_WINDOW_BEFORE_MINUTES", 2)
POLICING_BWC_WINDOW_AFTER_MINUTES = env_int("SAFECITY_POLICING_BWC_WINDOW_AFTER_MINUTES", 2)
POLICING_BWC_DEFAULT_EVENT_MINUTES = env_int("SAFECITY_POLICING_BWC_DEFAULT_EVENT_MINUTES", 10)
