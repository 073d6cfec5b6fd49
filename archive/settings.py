"""The one settings module. Every knob comes from the environment; the defaults are the
embedded archive (SQLite + a Whoosh index under var/), safe to run with DEBUG off.

Environment: DATABASE_URL, CONN_MAX_AGE, SEARCH_URL, SECRET_KEY, DEBUG, ALLOWED_HOSTS,
CSRF_TRUSTED_ORIGINS, HTTPS, LOG_LEVEL, IMPORT_MAX_FILE_MB, IMPORT_WORKERS, UPLOAD_MAX_FILES,
UPLOAD_MAX_MB, UPLOAD_STASH_MAX_HOURS, SEARCH_MAX_QUERY_LENGTH, SEARCH_CLIENT_CONCURRENCY,
EXPORT_CONCURRENCY, CLIENT_IP_HEADER, THROTTLE_DIR, LOGIN_MAX_FAILURES, LOGIN_LOCKOUT_SECONDS,
STATIC_ROOT, SIGNUP, EMAIL_URL, DEFAULT_FROM_EMAIL, SITE_URL, CAPTURE_ALLOW_PRIVATE,
CAPTURE_TIMEOUT, CAPTURE_FEED_MAX_ENTRIES, SEARCH_WARMUP. The numbers, booleans and levels go
through checked parsers: a nonsense value is a loud ImproperlyConfigured.
"""

import os
import secrets
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()


def _bool(name: str, default: bool) -> bool:
    """A boolean from the environment that refuses nonsense instead of reading it as False."""
    raw = env.str(name, default="").strip().lower()
    if raw == "":
        return default
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean (use 1/0, true/false).")


def _positive_int(name: str, default: int, *, allow_zero: bool = False) -> int:
    raw = env.str(name, default="").strip()
    if raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.")
    if value < 0 or (value == 0 and not allow_zero):
        raise ImproperlyConfigured(f"{name} must be positive, not {value}.")
    return value


_LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


def _log_level(name: str, default: str) -> str:
    raw = env.str(name, default="").strip().upper()
    if raw == "":
        return default
    if raw not in _LOG_LEVELS:
        raise ImproperlyConfigured(f"{name}={raw!r} is not one of {', '.join(_LOG_LEVELS)}.")
    return raw


DEBUG = _bool("DEBUG", False)
HTTPS = _bool("HTTPS", False)
EMBEDDED_DATABASE = not env.str("DATABASE_URL", default="")


def _secret_key() -> str:
    """SECRET_KEY from the environment; on the embedded default, a random key kept in var/.

    Outside the embedded default (a real DATABASE_URL) a missing key is a loud error: a
    silently generated key would log everybody out on each deploy and differ between hosts.
    """
    key = env.str("SECRET_KEY", default="")
    if key:
        return key
    if not (EMBEDDED_DATABASE or DEBUG):
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. It is required when DATABASE_URL points at a real database."
        )
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_text(secrets.token_urlsafe(50))
    return path.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "archive.apps.ArchiveConfig",
    "archive.research.apps.ResearchConfig",
    # Before haystack: its update_index command is ours (search/management/commands).
    "search.apps.SearchConfig",
    "haystack",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "archive.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "archive.throttle.ClientBoundMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "archive.urls"
WSGI_APPLICATION = "archive.wsgi.application"

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
                "archive.research.context_processors.research",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# SQLite is set up for a web server with concurrent writers: WAL lets readers run beside a
# writer, IMMEDIATE transactions take the write lock up front (so two writers queue on the
# busy timeout instead of failing with "database is locked" on lock upgrade), and a generous
# timeout lets an admin save wait out a long import's transaction.
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 30,
    "init_command": (
        "PRAGMA journal_mode=WAL;"
        "PRAGMA synchronous=NORMAL;"
        "PRAGMA foreign_keys=ON;"
        "PRAGMA temp_store=MEMORY;"
        "PRAGMA mmap_size=134217728;"
        "PRAGMA cache_size=-20000;"
        # A checkpoint (the WAL's pages copied into the database) every 10,000 pages, not
        # SQLite's 1,000: a bulk import's commits rewrite the same index pages (the story
        # bands' above all), which a longer WAL copies once. Measured with bench/story_cost.py
        # (4,000 articles onto 10,000): stories on 92 -> 126 articles/s, off 148 -> 167; 20,000
        # and 50,000 gained nothing more; onto 100,000 no change either way (the band pages
        # hardly repeat there). The file is cut back to 64 MiB after a checkpoint.
        f"PRAGMA wal_autocheckpoint={_positive_int('SQLITE_WAL_AUTOCHECKPOINT', 10_000)};"
        "PRAGMA journal_size_limit=67108864;"
    ),
}

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'archive.sqlite3'}")}
# Persistent connections: a new SQLite connection per request re-runs the PRAGMAs and starts
# with a cold page cache (measured in the benchmark's profile).
DATABASES["default"].setdefault("CONN_MAX_AGE", _positive_int("CONN_MAX_AGE", 60, allow_zero=True))
DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(SQLITE_OPTIONS)
    # A file (not :memory:) so server and import processes started by tests share it; one per
    # test process so parallel test runs on one machine never share a database.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


# --- Search ---------------------------------------------------------------------------------
def _haystack_connection(url: str) -> dict:
    """SEARCH_URL -> a haystack connection.

    whoosh:///abs/path            the embedded default (search.backend, our Whoosh engine)
    elasticsearch7://host:9200/ix the scale-out path (haystack's own ES 7 backend)
    """
    parts = urlsplit(url)
    if parts.scheme == "whoosh":
        if not parts.path:
            raise ImproperlyConfigured(f"SEARCH_URL={url!r} needs a path: whoosh:///abs/path")
        return {"ENGINE": "search.backend.ArchiveWhooshEngine", "PATH": parts.path}
    if parts.scheme in {"elasticsearch7", "elasticsearch7s"}:
        scheme = "https" if parts.scheme.endswith("s") else "http"
        index = parts.path.strip("/") or "newsarchive"
        options = parse_qs(parts.query)
        language = options.pop("language", ["en"])[-1]
        if options or language not in {"en", "de", "fr", "es", "it", "nl", "pt", "ru"}:
            raise ImproperlyConfigured(
                f"SEARCH_URL={url!r}: the one option is ?language=en|de|fr|es|it|nl|pt|ru"
            )
        return {
            # haystack's ES 7 backend with our index settings (search/elastic.py)
            "ENGINE": "search.elastic.ArchiveElasticsearch7Engine",
            "URL": f"{scheme}://{parts.netloc}/",
            "INDEX_NAME": index,
            "LANGUAGE": language,
            # Errors raise (haystack's default logs them and answers "no results"): the
            # pages' 503 and /healthz must see an unreachable cluster.
            "SILENTLY_FAIL": False,
        }
    if parts.scheme == "simple":  # haystack's database-only backend; for diagnostics only
        return {"ENGINE": "haystack.backends.simple_backend.SimpleEngine"}
    raise ImproperlyConfigured(f"SEARCH_URL={url!r}: scheme must be whoosh:// or elasticsearch7://")


SEARCH_URL = env.str("SEARCH_URL", default=f"whoosh://{VAR_DIR / 'whoosh'}")
HAYSTACK_CONNECTIONS = {"default": _haystack_connection(SEARCH_URL)}
HAYSTACK_SIGNAL_PROCESSOR = "search.outbox.AfterCommitSignalProcessor"
HAYSTACK_SEARCH_RESULTS_PER_PAGE = 20
HAYSTACK_ITERATOR_LOAD_PER_QUERY = 200

SEARCH_MAX_QUERY_LENGTH = _positive_int("SEARCH_MAX_QUERY_LENGTH", 500)
# Each server worker makes a search as it starts (search/warmup.py, from archive/wsgi.py), so
# the first reader after a restart does not wait for the index and templates to load.
SEARCH_WARMUP = _bool("SEARCH_WARMUP", True)

# --- Bounds on expensive requests (archive/throttle.py) -------------------------------------
# Searches (page, API, feed) one client may run at once on this host; 0 turns the bound off.
# One, below the default two workers, so that a burst from one address leaves a worker free.
SEARCH_CLIENT_CONCURRENCY = _positive_int("SEARCH_CLIENT_CONCURRENCY", 1, allow_zero=True)
EXPORT_CONCURRENCY = _positive_int("EXPORT_CONCURRENCY", 1)  # streamed exports, all clients
# Behind a reverse proxy every request comes from the proxy: name the header it sets.
CLIENT_IP_HEADER = env.str("CLIENT_IP_HEADER", default="")  # e.g. HTTP_X_FORWARDED_FOR
THROTTLE_DIR = env.str("THROTTLE_DIR", default=str(VAR_DIR / "run" / "slots"))

# --- Import and upload limits ---------------------------------------------------------------
IMPORT_MAX_FILE_BYTES = _positive_int("IMPORT_MAX_FILE_MB", 20) * 1024 * 1024
# Processes that parse documents during a bulk import (the saving stays in one process).
IMPORT_WORKERS = _positive_int("IMPORT_WORKERS", min(os.cpu_count() or 1, 4))
UPLOAD_MAX_FILES = _positive_int("UPLOAD_MAX_FILES", 200)
DATA_UPLOAD_MAX_NUMBER_FILES = UPLOAD_MAX_FILES
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# The upload preview's form has a "leave out" box per document, and a zip may hold 10,000.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 12_000
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
UPLOAD_MAX_BYTES = _positive_int("UPLOAD_MAX_MB", 100) * 1024 * 1024
# Uploaded files wait this long for the editor's confirm (then they are removed, as are
# those left by killed requests: at each new upload, at server start, and by clean_uploads).
UPLOAD_STASH_MAX_HOURS = _positive_int("UPLOAD_STASH_MAX_HOURS", 24)

# --- Capture by URL (archive/capture.py) ---------------------------------------------------
# Requests to loopback, private, link-local, multicast and reserved addresses are refused
# unless this is set (an archive capturing from its own private network; the tests).
CAPTURE_ALLOW_PRIVATE = _bool("CAPTURE_ALLOW_PRIVATE", False)
CAPTURE_TIMEOUT = _positive_int("CAPTURE_TIMEOUT", 30)  # seconds for one page, whole
CAPTURE_FEED_MAX_ENTRIES = _positive_int("CAPTURE_FEED_MAX_ENTRIES", 200)  # per feed, per run

# --- Auth -----------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# After a log-in whose ?next= is unsafe (another site), Django goes here; its default,
# /accounts/profile/, is no page of ours.
LOGIN_REDIRECT_URL = "/"
LOGIN_MAX_FAILURES = _positive_int("LOGIN_MAX_FAILURES", 5)
LOGIN_LOCKOUT_SECONDS = _positive_int("LOGIN_LOCKOUT_SECONDS", 900)
LOGIN_URL = "research:login"

# --- Reader accounts (archive/research) -----------------------------------------------------
# open: anyone may sign up; invite (the default): only with a link staff sent; closed: nobody.
SIGNUP_CHOICES = ("open", "invite", "closed")


def _choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    raw = env.str(name, default="").strip().lower() or default
    if raw not in choices:
        raise ImproperlyConfigured(f"{name}={raw!r} is not one of {', '.join(choices)}.")
    return raw


SIGNUP = _choice("SIGNUP", "invite", SIGNUP_CHOICES)
# Password resets, invitations and alerts. The console backend prints them (nothing leaves
# the machine) until EMAIL_URL names a server: smtp://user:pass@host:587 (django-environ).
if env.str("EMAIL_URL", default=""):
    globals().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="archive@localhost")
# The archive's own address, for links in emails (alerts) that have no request to ask.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

CACHES = {
    "default": {
        # The database cache is shared by every gunicorn worker, so login throttling holds
        # across processes; it needs no extra service.
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "archive_cache",
    }
}

# --- I18n -----------------------------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Where `collectstatic` writes the hashed, compressed files WhiteNoise serves.
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "staticfiles")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "archive.storage.StaticStorage"
        )
    },
}
# Also serve from the source folders, so a page never fails (nor loses its styles) when
# collectstatic has not run: the storage then links plain names (archive/storage.py).
WHITENOISE_USE_FINDERS = True

# --- Security -------------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
# The embedded default serves plain http on 127.0.0.1; behind TLS set HTTPS=1, which turns on
# everything `check --deploy` asks for.
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' https:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)

# --- Logging (configured by Django at setup, never at import time in our modules) ----------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": _log_level("LOG_LEVEL", "WARNING")},
    "loggers": {"archive": {"level": _log_level("LOG_LEVEL", "INFO")}},
}
