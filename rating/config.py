"""Configuration: safe defaults, overridden by instance/config.py and the environment."""

import os
import secrets
from pathlib import Path

# Keys that must never protect a production deployment.
KNOWN_WEAK_KEYS = {"dev", "secret", "changeme", "change-me", "test", "development", "password"}
MIN_SECRET_LENGTH = 32

ENV_SETTINGS = (
    "SECRET_KEY",
    "DATABASE_URL",
    "SEARCH_INDEX_DIR",
    "MAIL_SERVER",
    "MAIL_PORT",
    "MAIL_USERNAME",
    "MAIL_PASSWORD",
    "MAIL_USE_TLS",
    "MAIL_SENDER",
    "MAIL_OUTBOX_DIR",
    "RATELIMIT_STORAGE_URI",
    "RATELIMIT_ENABLED",  # false only for load benchmarks (bench/load.py)
    "SESSION_COOKIE_SECURE",
    "APP_ENV",
    "SITE_URL",
    "CACHE_TYPE",  # NullCache: pages without the page cache (bench/load.py --no-cache)
    "AUDIT_SIGNING_KEY_FILE",
)


class Config:
    """Defaults for a developer machine; production overrides them from the environment."""

    APP_ENV = "development"
    SECRET_KEY = None
    DATABASE_URL = None  # default: SQLite file in the instance folder
    SEARCH_INDEX_DIR = ""  # "" = instance/search; None = in memory (tests)
    SITE_URL = "http://127.0.0.1:8000"
    # Ed25519 key signing the publication chain, outside the database ("" = instance/).
    AUDIT_SIGNING_KEY_FILE = ""

    MAIL_SERVER = None  # unset: messages are written to instance/outbox/
    MAIL_PORT = 25
    MAIL_USERNAME = None
    MAIL_PASSWORD = None
    MAIL_USE_TLS = False
    MAIL_SENDER = "Observatoire <ne-pas-repondre@observatoire.example>"

    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    RATELIMIT_STRATEGY = "moving-window"
    # Login failures are counted in the database (shared by every worker).
    LOGIN_FAILURES_PER_MINUTE = 5
    LOGIN_FAILURES_PER_HOUR = 20

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = False
    PERMANENT_SESSION_LIFETIME = 60 * 60 * 24 * 14

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
        if name == "MAIL_PORT":
            value = int(value)
        elif name in ("MAIL_USE_TLS", "SESSION_COOKIE_SECURE", "RATELIMIT_ENABLED"):
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


def check_secret(config) -> None:
    """Refuse to run in production with a short or well-known secret key."""
    key = config.get("SECRET_KEY") or ""
    if config.get("APP_ENV") == "production" and (
        len(key) < MIN_SECRET_LENGTH or key.lower() in KNOWN_WEAK_KEYS
    ):
        raise RuntimeError(
            f"SECRET_KEY must be at least {MIN_SECRET_LENGTH} random characters in production."
        )
