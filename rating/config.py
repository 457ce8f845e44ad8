"""Configuration: safe defaults, overridden by instance/config.py and the environment."""

import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

# Keys that must never protect a production deployment.
KNOWN_WEAK_KEYS = {"dev", "secret", "changeme", "change-me", "test", "development", "password"}
MIN_SECRET_LENGTH = 32

# The legal notice (LCEN art. 6 III), read by rating.legal.terms; documented in README.
LEGAL_SETTINGS = (
    "LEGAL_OPERATOR_NAME",
    "LEGAL_OPERATOR_FORM",
    "LEGAL_OPERATOR_ADDRESS",
    "LEGAL_OPERATOR_REGISTRATION",
    "LEGAL_DIRECTOR",
    "LEGAL_CONTACT_EMAIL",
    "LEGAL_PRIVACY_EMAIL",
    "LEGAL_HOST_NAME",
    "LEGAL_HOST_ADDRESS",
    "LEGAL_HOST_PHONE",
)
# The worker (rating.worker, README "Operations"): its queue store and whether one runs here.
WORKER_SETTINGS = (
    "WORKER_ENABLED",
    "HUEY_SQLITE_PATH",
    "WORKER_MAIL_LEASE",
    "WORKER_HEARTBEAT_FILE",
    "WORKER_BOUNCE_MAILBOX",
)
ENV_SETTINGS = (
    "SECRET_KEY",
    "DATABASE_URL",
    "SEARCH_INDEX_DIR",
    "SEARCH_INDEX_NAME",  # this host's index in the search log's cursors (README "replicas")
    "MAIL_SERVER",
    "MAIL_PORT",
    "MAIL_USERNAME",
    "MAIL_PASSWORD",
    "MAIL_USE_TLS",
    "MAIL_SENDER",
    "MAIL_OUTBOX_DIR",
    "MAIL_RETURN_PATH",
    "RATELIMIT_STORAGE_URI",
    "RATELIMIT_ENABLED",  # false only for load benchmarks (bench/load.py)
    "SESSION_COOKIE_SECURE",
    "APP_ENV",
    "SITE_URL",
    "TRUSTED_PROXIES",  # reverse proxies in front of the app whose X-Forwarded-* are believed
    "CACHE_TYPE",  # NullCache: pages without the page cache (bench/load.py --no-cache)
    "REDIS_URL",  # the store every worker and host shares: page cache and rate limits
    "WEB_CONCURRENCY",  # gunicorn's worker count on this host (deploy/gunicorn.conf.py)
    "AUDIT_SIGNING_KEY_FILE",
    *LEGAL_SETTINGS,
    "SITEMAP_MAX_URLS",
    "OPENDATA_DIR",
    "OPENDATA_AUTHOR_KEY",
    "SIRENE_STOCK_FILE",
    *WORKER_SETTINGS,
)


class Config:
    """Defaults for a developer machine; production overrides them from the environment."""

    APP_ENV = "development"
    SECRET_KEY = None
    DATABASE_URL = None  # default: SQLite file in the instance folder
    SEARCH_INDEX_DIR = ""  # "" = instance/search; None = in memory (tests)
    SEARCH_INDEX_NAME = ""  # "" = "<machine name>:<index directory>"
    SITE_URL = None  # every absolute link; required in production (check_site_url)
    TRUSTED_PROXIES = 0  # 0: X-Forwarded-For/-Proto are ignored (nobody in front of us)
    # Ed25519 key signing the publication chain, outside the database ("" = instance/).
    AUDIT_SIGNING_KEY_FILE = ""

    # Legal notice (LCEN art. 6 III): who publishes the site, who answers for it, who hosts
    # it. Shown on /mentions-legales, /confidentialite, /cgu; set them before going live.
    LEGAL_OPERATOR_NAME = "Association Observatoire du service client"
    LEGAL_OPERATOR_FORM = "association déclarée (loi du 1er juillet 1901)"
    LEGAL_OPERATOR_ADDRESS = "adresse du siège à renseigner (LEGAL_OPERATOR_ADDRESS)"
    LEGAL_OPERATOR_REGISTRATION = ""  # RNA or SIREN number, shown when set
    LEGAL_DIRECTOR = "la présidence de l'association"
    LEGAL_CONTACT_EMAIL = "contact@observatoire.example"
    LEGAL_PRIVACY_EMAIL = ""  # "" = LEGAL_CONTACT_EMAIL
    LEGAL_HOST_NAME = "hébergeur à renseigner (LEGAL_HOST_NAME)"
    LEGAL_HOST_ADDRESS = "adresse de l'hébergeur à renseigner (LEGAL_HOST_ADDRESS)"
    LEGAL_HOST_PHONE = ""
    # Open data (rating.opendata): where `flask opendata export` writes reviews.csv ("" =
    # instance/opendata), and the secret of its author_key column (HMAC-SHA-256 of each
    # author's id). None: derived from SECRET_KEY. Set it once and keep it: a new key changes
    # every author_key; a leaked one lets anyone link keys to account ids.
    OPENDATA_DIR = ""
    OPENDATA_AUTHOR_KEY = None
    # INSEE's StockUniteLegale file kept on this host (the one `companies import-sirene`
    # read), where the suggestion page looks a SIREN up ("" = instance/sirene/
    # StockUniteLegale_utf8.zip, INSEE's name for it; rating.suggestions.sirene_lookup).
    SIRENE_STOCK_FILE = ""
    # URLs per sitemap file (the protocol's maximum); /sitemap.xml is an index of the files.
    SITEMAP_MAX_URLS = 50_000

    MAIL_SERVER = None  # unset: messages are written to instance/outbox/
    MAIL_PORT = 25
    MAIL_USERNAME = None
    MAIL_PASSWORD = None
    MAIL_USE_TLS = False
    MAIL_SENDER = "Observatoire <ne-pas-repondre@observatoire.example>"
    # The envelope sender: where receiving servers send bounces (`flask mail bounces` reads
    # them). None: the sender's address.
    MAIL_RETURN_PATH = None

    # `flask worker` (rating.worker): True when one runs for this host, so that requests only
    # enqueue (mail) and leave the search index to it; None: on in production only. Off, the
    # tasks run at once where they are queued (Huey's immediate mode) and requests drain the
    # search outbox after their response.
    WORKER_ENABLED = None
    HUEY_SQLITE_PATH = ""  # "" = instance/worker-queue.sqlite
    # Seconds a mail being sent stays claimed: a worker killed mid-send leaves it to another
    # run only after this (so that two workers never send it at once).
    WORKER_MAIL_LEASE = 600
    WORKER_HEARTBEAT_FILE = ""  # "" = instance/worker-heartbeat.json (one per host)
    WORKER_BOUNCE_MAILBOX = ""  # maildir or mbox of bounces read daily ("" = none)

    RATELIMIT_STORAGE_URI = "memory://"  # REDIS_URL replaces it (shared_stores)
    RATELIMIT_KEY_PREFIX = "observatoire"
    # Shared store for the page cache, the limits and the worker's queue of every worker and
    # host (shared_stores, rating.worker); unset: per process, and the queue in a SQLite file.
    REDIS_URL = None
    # Worker processes serving this app on this host: gunicorn's own WEB_CONCURRENCY, which
    # deploy/gunicorn.conf.py reads and checks; production refuses per-process limits with
    # more than one (check_production).
    WEB_CONCURRENCY = 1
    RATELIMIT_HEADERS_ENABLED = True
    RATELIMIT_STRATEGY = "moving-window"
    # Login failures are counted in the database (shared by every worker), from browsers
    # that never signed in to the account (rating.auth.throttle): per account and address
    # a minute; then growing delays (30 s doubling, 15 min at most) per account and address.
    LOGIN_FAILURES_PER_MINUTE = 5
    LOGIN_FAILURES_PER_HOUR = 5
    LOGIN_FAILURES_PER_IP_PER_HOUR = 30
    LOGIN_ATTEMPTS_PER_IP_PER_MINUTE = 20

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = False
    PERMANENT_SESSION_LIFETIME = 60 * 60 * 24 * 14

    # The largest form is the audit CSV import (2 MiB, rating.audit.forms.MAX_CSV_BYTES) with
    # its multipart envelope: anything larger is refused (413) before a byte of it is parsed.
    MAX_CONTENT_LENGTH = 3 * 1024 * 1024

    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
    BABEL_DEFAULT_LOCALE = "fr"
    BABEL_DEFAULT_TIMEZONE = "Europe/Paris"
    LANGUAGES = ("fr", "en")

    VERIFY_TOKEN_MAX_AGE = 60 * 60 * 48
    RESET_TOKEN_MAX_AGE = 30 * 60


def settings_from_environment(environ=os.environ) -> dict:
    """Read the settings named in ENV_SETTINGS from the environment, typed."""
    found = {}
    for name in ENV_SETTINGS:
        value = environ.get(name)
        if value is None or value == "":
            continue
        if name in (
            "MAIL_PORT",
            "TRUSTED_PROXIES",
            "SITEMAP_MAX_URLS",
            "WEB_CONCURRENCY",
            "WORKER_MAIL_LEASE",
        ):
            value = int(value)
        elif name in (
            "MAIL_USE_TLS",
            "SESSION_COOKIE_SECURE",
            "RATELIMIT_ENABLED",
            "WORKER_ENABLED",
        ):
            value = value.lower() in ("1", "true", "yes", "on")
        found[name] = value
    if found.get("SESSION_COOKIE_SECURE"):
        found["REMEMBER_COOKIE_SECURE"] = True
        # Behind HTTPS the cookie can carry the __Host- prefix (no Domain, Path=/).
        found["SESSION_COOKIE_NAME"] = "__Host-session"
    return found


def load_or_create_secret(instance_path: str) -> str:
    """Return the instance's secret key, generating it once (mode 0600) when absent."""
    path = Path(instance_path) / "secret_key"
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


DEVELOPMENT_SITE_URL = "http://127.0.0.1:8000"


def check_site_url(config) -> None:
    """Absolute links come from SITE_URL, never from the request's Host header: production
    refuses to start without it; elsewhere it defaults to the development server."""
    url = config.get("SITE_URL")
    if not url:
        if config.get("APP_ENV") == "production":
            raise RuntimeError("SITE_URL must be set in production (e.g. https://avis.example.fr).")
        config["SITE_URL"] = url = DEVELOPMENT_SITE_URL
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise RuntimeError(f"SITE_URL must be an http(s) address like https://host, not {url!r}.")
    config["SITE_URL"] = url.rstrip("/")


def check_secret(config) -> None:
    """Refuse to run in production with a short or well-known secret key."""
    key = config.get("SECRET_KEY") or ""
    if config.get("APP_ENV") == "production" and (
        len(key) < MIN_SECRET_LENGTH or key.lower() in KNOWN_WEAK_KEYS
    ):
        raise RuntimeError(
            f"SECRET_KEY must be at least {MIN_SECRET_LENGTH} random characters in production."
        )


REDIS_CACHE = "rating.pagecache.TolerantRedisCache"  # Flask-Caching's RedisCache, see there
# A Redis that stops answering costs a request a few seconds at most (one per call to it),
# never a hung worker.
REDIS_TIMEOUTS = {"socket_connect_timeout": 1, "socket_timeout": 1}


def shared_stores(config) -> None:
    """With REDIS_URL, the page cache and the rate limits live in Redis, shared by every
    worker and host; without it each process keeps its own (Flask-Caching's SimpleCache,
    Flask-Limiter's memory://). A store named explicitly (RATELIMIT_STORAGE_URI other than
    memory://, CACHE_TYPE NullCache for the benchmarks) is kept.

    If Redis becomes unreachable, limits fall back to per-process counters (RELIABILITY
    RL-2) and pages are rendered without the cache, rather than failing the request."""
    url = config.get("REDIS_URL")
    if not url:
        return
    if config.get("RATELIMIT_STORAGE_URI", "memory://") == "memory://":
        config["RATELIMIT_STORAGE_URI"] = url
    config.setdefault("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True)
    config.setdefault("RATELIMIT_STORAGE_OPTIONS", dict(REDIS_TIMEOUTS))
    if config.get("CACHE_TYPE") in (None, "SimpleCache"):
        config["CACHE_TYPE"] = REDIS_CACHE
        config["CACHE_REDIS_URL"] = url
        config.setdefault("CACHE_KEY_PREFIX", "observatoire:")
        config.setdefault("CACHE_OPTIONS", dict(REDIS_TIMEOUTS))


def check_production(config) -> None:
    """What a production deployment must set, refused at start with the setting to fix:
    SITE_URL (checked by check_site_url), cookies for HTTPS only, and limits shared by
    every worker once there is more than one."""
    if config.get("APP_ENV") != "production":
        return
    problems = []
    if not config.get("SESSION_COOKIE_SECURE"):
        problems.append(
            "SESSION_COOKIE_SECURE must be true in production (the site is served over HTTPS)."
        )
    workers = int(config.get("WEB_CONCURRENCY") or 1)
    storage = str(config.get("RATELIMIT_STORAGE_URI") or "memory://")
    if workers > 1 and storage.startswith("memory://"):
        problems.append(
            f"WEB_CONCURRENCY={workers} workers with per-process rate limits ({storage}):"
            " set REDIS_URL (or RATELIMIT_STORAGE_URI=redis://…) so that every worker and"
            " host counts the same requests."
        )
    if problems:
        raise RuntimeError(" ".join(problems))


def worker_enabled(config) -> bool:
    """Whether a `flask worker` runs for this host (default: in production only): requests
    then only queue their background work (rating.worker) and leave the search index to it."""
    value = config.get("WORKER_ENABLED")
    return config.get("APP_ENV") == "production" if value is None else bool(value)
