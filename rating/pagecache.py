"""Public pages rendered once per version of what they show, then served from a cache.

A public page (a company, the home page, a search) is the same for every anonymous visitor
as long as its data has not changed. Its view names a *stamp*: a few values, read in one
small query, that change whenever the page would (the company's summary version, which
every review, reply and moderation change bumps in the same transaction; the company row's
`updated_at`, which every declaration bumps; the latest audit publication). The cache key
adds the endpoint and its view arguments, the query parameters the view whitelisted (and
renders from: nothing else of the request reaches the page), the language, the day (scores
decay daily, dates read "il y a …") and a fingerprint of the templates and catalogues
deployed. Nothing else a visitor sends enters the key: not the Host header, not the order of
the query or a key the page does not know (`_external`, `utm_source`…), so no visitor can
make an entry another visitor will get, nor fill the cache with copies of one page.

- Anonymous visitors without a flashed message get the cached body; the first of them
  renders it. A render that touched the session (a CSRF token, a flash) is not kept.
- Every such response carries an ETag derived from the key and `Cache-Control: no-cache`:
  a browser revalidates each time and gets a 304 without a render or a copy of the body.
- Signed-in visitors always get a fresh render: their page names them and offers their
  own actions (edit my review, reply as the company, the claim status).

The store is Flask-Caching: per worker in memory by default (`CACHE_TYPE` "SimpleCache",
bounded by `CACHE_THRESHOLD` entries), "NullCache" to measure pages without it, and Redis,
shared by every worker and host, when `REDIS_URL` is set (rating.config.shared_stores). The
key holds nothing host-specific (no Host header, no address), so one host's render serves
the others; the deployment fingerprint keeps two releases side by side apart. Entries
also expire after `PAGE_CACHE_TIMEOUT` seconds, which bounds what no stamp covers (a sector
renamed by an administrator on the command line).
"""

import functools
import hashlib
import logging
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from pathlib import Path

from flask import Response, current_app, make_response, request, session
from flask.typing import ResponseReturnValue
from flask_caching import Cache
from flask_caching.backends.rediscache import RedisCache
from flask_login import current_user
from redis.exceptions import RedisError

from .i18n import select_locale

cache = Cache()
log = logging.getLogger(__name__)


def _outage_is_a_miss(method, fallback):
    """`method` of the Redis store, answering `fallback(*args)` (and logging why) when Redis
    is unreachable."""

    @functools.wraps(method)
    def call(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except RedisError as error:
            log.warning("page cache unavailable, pages rendered without it: %s", error)
            return fallback(*args)

    return call


class TolerantRedisCache(RedisCache):
    """Flask-Caching's Redis store, for which an unreachable Redis is a miss: the page is
    rendered (and not kept) rather than failing the request."""

    get = _outage_is_a_miss(RedisCache.get, lambda key: None)
    set = _outage_is_a_miss(RedisCache.set, lambda *args: False)
    get_many = _outage_is_a_miss(RedisCache.get_many, lambda *keys: [None] * len(keys))
    set_many = _outage_is_a_miss(RedisCache.set_many, lambda *args: [])


DEFAULTS = {
    "CACHE_TYPE": "SimpleCache",
    "CACHE_THRESHOLD": 2000,
    "CACHE_DEFAULT_TIMEOUT": 300,
    "PAGE_CACHE_TIMEOUT": 300,
}


def init_app(app) -> None:
    for name, value in DEFAULTS.items():
        app.config.setdefault(name, value)
    app.config.setdefault("PAGE_CACHE_SALT", deployment_fingerprint(app))
    cache.init_app(app)


def deployment_fingerprint(app) -> str:
    """What the pages are made of besides data: templates and compiled catalogues, by name
    and content, so that every worker of every host running one release has the same (a
    checkout's file times differ from host to host) and two releases never share pages."""
    roots = [Path(app.root_path).parent / "templates", Path(app.root_path) / "translations"]
    digest = hashlib.blake2b(digest_size=8)
    for root in roots:
        for path in sorted(root.rglob("*")):
            if path.suffix in (".html", ".svg", ".txt", ".mo"):
                digest.update(f"{path.relative_to(root)}\x1f".encode())
                digest.update(hashlib.blake2b(path.read_bytes(), digest_size=16).digest())
    return digest.hexdigest()


def cacheable() -> bool:
    """A GET by an anonymous visitor with nothing flashed for them.

    Without a session or remember-me cookie nobody can be signed in: the user is not
    loaded at all (most anonymous views, a third of a cached view's cost otherwise).
    """
    if request.method not in ("GET", "HEAD"):
        return False
    config = current_app.config
    cookies = request.cookies
    if (
        config["SESSION_COOKIE_NAME"] not in cookies
        and config.get("REMEMBER_COOKIE_NAME", "remember_token") not in cookies
    ):
        return True
    return not current_user.is_authenticated and "_flashes" not in session


def page_key(name: str, stamp: Iterable, params: Mapping[str, object]) -> str:
    """The entry of this page: what the view renders from, never the raw request."""
    view_args = sorted((request.view_args or {}).items())
    parts = (
        name,
        *(str(value) for value in stamp),
        str(request.endpoint),
        repr(view_args),
        repr(sorted((key, str(value)) for key, value in params.items())),
        select_locale(),  # what get_locale() would parse into a Babel Locale, as a string
        date.today().isoformat(),
        current_app.config["PAGE_CACHE_SALT"],
    )
    return "page:" + hashlib.blake2b("\x1f".join(parts).encode(), digest_size=20).hexdigest()


def serve(
    name: str,
    stamp: Iterable,
    render: Callable[[], ResponseReturnValue],
    params: Mapping[str, object] | None = None,
) -> Response:
    """The response `render()` makes, from the cache while `stamp` is unchanged.

    `name` tells pages apart in the key; `stamp` must change whenever the page would;
    `params` are the cleaned query parameters `render` reads (and the only ones). Only a 200
    is kept (with its body and media type: HTML or JSON).
    """
    if not cacheable():
        return make_response(render())
    key = page_key(name, stamp, params or {})
    etag = key.removeprefix("page:")
    if request.if_none_match.contains(etag):
        response = Response(status=304)
    elif (kept := cache.get(key)) is not None:
        body, mimetype = kept
        response = Response(body, mimetype=mimetype)
    else:
        response = make_response(render())
        if response.status_code != 200 or session.modified:
            return response
        kept = (response.get_data(), response.mimetype)
        cache.set(key, kept, timeout=current_app.config["PAGE_CACHE_TIMEOUT"])
    response.set_etag(etag)
    response.headers["Cache-Control"] = "no-cache"
    response.vary.update(("Cookie", "Accept-Language"))
    return response
