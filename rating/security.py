"""Cross-cutting protections: CSRF, rate limits, security headers, keyed client hashes."""

import hashlib
import hmac
import ipaddress

from flask import abort, current_app, has_request_context, request, url_for
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address, default_limits=[])

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)


def init_app(app) -> None:
    """Bind CSRF and the limiter, and add the security headers to every response."""
    # First: the CSRF check reads the form too, and must never meet a malformed one.
    app.before_request(refuse_nul_bytes)
    csrf.init_app(app)
    limiter.init_app(app)
    # The limiter is one object bound to each app in turn (tests build many). Its "storage
    # unreachable, count in memory" state belongs to the previous app's storage: a new app
    # starts by trying its own, or a Redis that went down for one app would leave every
    # later app counting in one process's memory until a time-based retry.
    limiter._storage_dead = False  # noqa: SLF001 (Flask-Limiter keeps it on the instance)
    app.after_request(add_security_headers)
    app.add_template_global(site_url_for)


def refuse_nul_bytes():
    """A NUL character is never meaningful here, and PostgreSQL refuses it in text: 404 in a
    path, 400 in a parameter, before any view reaches the database."""
    if "\x00" in request.path:
        abort(404)
    for values in (request.args, request.form):
        for key, value in values.items(multi=True):
            # A multipart part whose name header is broken (a newline in it) comes with no
            # name at all: malformed, refused here rather than crashing a form later.
            if key is None or "\x00" in key or "\x00" in value:
                # The API's 400 names the parameter (see rating.errors).
                abort(400, description=(key or "").replace("\x00", "") or "?")


SECURITY_HEADERS = (
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
    ("X-Frame-Options", "DENY"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
)
HSTS = ("Strict-Transport-Security", "max-age=31536000; includeSubDomains")


def add_security_headers(response):
    """Headers of RELIABILITY's gate (a view may set its own); HSTS only over HTTPS.

    One pass over the response's headers rather than a `setdefault` each, which scans them
    all every time (a fifth of a cached page's cost in the company page's profile).
    """
    headers = response.headers
    present = {name.lower() for name, _ in headers.items()}
    wanted = (*SECURITY_HEADERS, HSTS) if request.is_secure else SECURITY_HEADERS
    for name, value in wanted:
        if name.lower() not in present:
            headers.add(name, value)
    return response


def keyed_hash(value: str) -> str:
    """HMAC-SHA256 of `value` under the app's secret: linkable, not reversible."""
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


def site_url_for(endpoint: str, **values) -> str:
    """An absolute link built from SITE_URL, never from the request's Host header (which a
    client chooses): links in mails, feeds, CSV files, API answers and embeds."""
    values.pop("_external", None)
    if has_request_context():
        path = url_for(endpoint, **values)
    else:  # a command (the daily digest): Flask builds no URL without a request or SERVER_NAME
        path = current_app.url_map.bind("").build(endpoint, values)
    return current_app.config["SITE_URL"].rstrip("/") + path


def client_ip() -> str:
    return request.remote_addr or "unknown"


def network_prefix(address: str) -> str:
    """The /24 (IPv4) or /64 (IPv6) network of an address, for the same-network signal."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    prefix = 24 if ip.version == 4 else 64
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))
