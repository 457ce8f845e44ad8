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
- Signed-in visitors get the same body from a *fragment* entry (same key, "frag:" prefix),
  rendered once for everyone with the visitor's parts left as slots, which their request
  then fills: the header's account menu and flashed messages, the "Suivre" form, "my
  review" and the representative's links on each review card, the claim status. A
  template marks such a part with `{{ viewer_slot("viewer/_account.html", name=value) }}`,
  a template whose macro `slot(name)` renders it: in a normal render the macro is called
  in place (it sees the page's context); in the fragment the call is a marker and its
  keyword values are kept beside the body; filling calls each macro with those values in
  a context of the visitor (`current_user`, `csrf_token()`, the view's `viewer()`). The
  fragment is rendered as an anonymous visitor (`current_user` is anonymous while it
  renders) and not kept if it touched the session: no name, token or flash of one visitor
  can reach another. CSRF tokens are only ever in slots. Its key is the page's: the
  same stamps, and nothing of the visitor.

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
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from pathlib import Path

from flask import Response, current_app, g, make_response, request, session
from flask.typing import ResponseReturnValue
from flask_caching import Cache
from flask_caching.backends.rediscache import RedisCache
from flask_login import current_user
from jinja2 import pass_context
from markupsafe import Markup
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
    app.jinja_env.globals["viewer_slot"] = viewer_slot
    app.jinja_env.globals["chrome"] = chrome


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


def cacheable(req=None) -> bool:
    """A GET by an anonymous visitor with nothing flashed for them.

    Without a session or remember-me cookie nobody can be signed in: the user is not
    loaded at all (most anonymous views, a third of a cached view's cost otherwise).
    """
    req = req or request._get_current_object()
    if req.method not in ("GET", "HEAD"):
        return False
    if not _has_session_cookie(req):
        return True
    return not current_user.is_authenticated and "_flashes" not in session


def _has_session_cookie(req=None) -> bool:
    config = current_app.config
    cookies = (req or request._get_current_object()).cookies
    return (
        config["SESSION_COOKIE_NAME"] in cookies
        or config.get("REMEMBER_COOKIE_NAME", "remember_token") in cookies
    )


def signed_in() -> bool:
    """A signed-in visitor (the user is loaded only when a session cookie is there)."""
    return _has_session_cookie() and current_user.is_authenticated


def page_key(name: str, stamp: Iterable, params: Mapping[str, object], req=None) -> str:
    """The entry of this page: what the view renders from, never the raw request (`req`:
    the request object itself, when the caller has it: each `request.` costs a context
    lookup, and a cached view is made of little else)."""
    req = req or request._get_current_object()
    view_args = req.view_args
    parts = (
        name,
        *map(str, stamp),
        str(req.endpoint),
        repr(sorted(view_args.items())) if view_args else "",
        repr(sorted(params.items())) if params else "",  # plain values (str, int, None)
        select_locale(req),  # what get_locale() would parse into a Babel Locale, as a string
        _today(),
        current_app.config["PAGE_CACHE_SALT"],
    )
    return "page:" + hashlib.blake2b("\x1f".join(parts).encode(), digest_size=20).hexdigest()


_day = [0.0, ""]  # until when (a time.time()), the day's ISO date


def _today() -> str:
    """date.today() as ISO, looked up again once a second rather than on every view."""
    now = time.time()
    if now >= _day[0]:
        _day[:] = [int(now) + 1.0, date.today().isoformat()]
    return _day[1]


def serve(
    name: str,
    stamp: Iterable,
    render: Callable[[], ResponseReturnValue],
    params: Mapping[str, object] | None = None,
    viewer: Callable[[], dict] | None = None,
) -> Response:
    """The response `render()` makes, from the cache while `stamp` is unchanged.

    `name` tells pages apart in the key; `stamp` must change whenever the page would;
    `params` are the cleaned query parameters `render` reads (and the only ones). Only a 200
    is kept (with its body and media type: HTML or JSON). With `viewer` (the values the
    page's slots read for the person looking, e.g. `following`), a signed-in visitor gets
    the fragment filled for them (`render` must then read nothing of the visitor but
    through slots); without, a signed-in visitor gets a full render.
    """
    req = request._get_current_object()
    if not cacheable(req):
        if viewer is not None and req.method in ("GET", "HEAD") and signed_in():
            return _from_fragment(name, stamp, render, params or {}, viewer)
        g.viewer_values = viewer() if viewer is not None else {}
        return make_response(render())
    key = page_key(name, stamp, params or {}, req)
    etag = key.removeprefix("page:")
    if "HTTP_IF_NONE_MATCH" in req.environ and req.if_none_match.contains(etag):
        return Response(status=304, headers=_validators(etag))
    kept = cache.get(key)
    if kept is None:
        g.viewer_values = viewer() if viewer is not None else {}
        response = make_response(render())
        if response.status_code != 200 or session.modified:
            return response
        kept = (response.get_data(), response.mimetype)
        cache.set(key, kept, timeout=current_app.config["PAGE_CACHE_TIMEOUT"])
    body, mimetype = kept
    # The headers as one list (what set_etag, headers[...] and vary.update would make, at
    # a third of their cost: a cached view is little more than this).
    return Response(body, mimetype=mimetype, headers=_validators(etag))


def _validators(etag: str) -> list[tuple[str, str]]:
    return [
        ("ETag", f'"{etag}"'),
        ("Cache-Control", "no-cache"),
        ("Vary", "Cookie, Accept-Language"),
    ]


# --- Fragments: the visitor-independent body, with slots for the visitor's parts ---

MARK = "<!--viewer-slot-{}-->"  # autoescaped page data can never contain "<!--"
MARK_RE = re.compile(r"<!--viewer-slot-(\d+)-->")


@pass_context
def viewer_slot(
    context, template: str, only_user: int | None = None, only_company: int | None = None, **values
) -> Markup:
    """The visitor's part `template` of a page (its macro `slot`, called with `values`):
    rendered in place, or a marker in a fragment.

    `only_user`, `only_company`: the part differs from what an anonymous visitor sees only
    for that user or a representative of that company (a review card's links): the
    fragment keeps the anonymous rendering, and filling calls the macro only for them.
    """
    slots = g.get("fragment_slots")
    if slots is not None:
        personal = only_user is not None or only_company is not None
        # Rendered now, as the fragment is: as seen by an anonymous visitor.
        default = _call_slot(context, template, values) if personal else None
        slots.append((template, values, (only_user, only_company, default)))
        return Markup(MARK.format(len(slots) - 1))  # noqa: S704 - a constant and an int # nosec B704
    if template in VIEWER_ONLY_SLOTS and signed_in():
        key = (_viewer_state(g.get("viewer_values", {})), template, repr(sorted(values.items())))
        if (html := _memo.get(key)) is None:
            html = _call_slot(context, template, values)
            _memo.put(key, html)
        return html
    return _call_slot(context, template, values)


# Slots that read nothing of the page they are in (only the visitor and the request): memoised
# in a full render too, e.g. the header's account menu on every page that is not cached.
VIEWER_ONLY_SLOTS = frozenset({"viewer/_account.html", "viewer/_csrf.html"})


def _call_slot(context, template: str, values: dict) -> Markup:
    # One module per template and page render: the context is built once, not per card.
    modules = g.setdefault("slot_modules", {})
    found = modules.get((template, id(context)))
    if found is None or found[0] is not context:
        module = current_app.jinja_env.get_template(template).make_module(
            {**context.get_all(), **g.get("viewer_values", {})}
        )
        modules[(template, id(context))] = found = (context, module)
    return found[1].slot(**values)


def _render_fragment(render: Callable[[], ResponseReturnValue]):
    """The page rendered with every visitor's part as a slot, as seen by nobody in particular;
    returns (response, kept) where kept is None when it must not be shared."""
    user = g.get("_login_user")
    field = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    token = g.pop(field, None)  # Flask-WTF keeps the request's token in g once made
    was_modified = session.modified
    session.modified = False  # so that any write during this render shows
    g.fragment_slots = []
    g._login_user = current_app.login_manager.anonymous_user()
    g.viewer_values = {}
    try:
        response = make_response(render())
    finally:
        slots = g.pop("fragment_slots")
        g._login_user = user
        touched = session.modified or field in g  # a flash read, a CSRF token made…
        session.modified = was_modified or session.modified
        if token is not None:
            setattr(g, field, token)
    if response.status_code != 200 or touched:
        return response, None
    text = response.get_data(as_text=True)
    return response, (MARK_RE.split(text), slots, response.mimetype)


def fill(kept, values: dict) -> str:
    """The fragment's body with each slot rendered for the current visitor (each slot
    template's module made once, its macro called per slot; a slot already rendered for
    this visitor in this state is taken from the memo, see _SlotMemo)."""
    parts, slots, _mimetype = kept
    app = current_app
    context = None  # built when a slot must be rendered (most come from the memo)
    user_id = current_user.id if current_user.is_authenticated else None
    represented = current_user.represented_company_ids() if user_id is not None else set()
    state = _viewer_state(values) if user_id is not None else None
    modules = {}
    out = []
    for index, part in enumerate(parts):
        if not index % 2:
            out.append(part)
            continue
        template, slot_values, (only_user, only_company, default) = slots[int(part)]
        if default is not None and only_user != user_id and only_company not in represented:
            out.append(default)  # this visitor sees what an anonymous one does
            continue
        if template == FLASHES_SLOT and "_flashes" not in session:
            continue  # nothing flashed: the slot renders nothing (and is never memoised)
        key = None
        if state is not None and template != FLASHES_SLOT:
            key = (state, template, repr(sorted(slot_values.items())))
            if (html := _memo.get(key)) is not None:
                out.append(html)
                continue
        module = modules.get(template)
        if module is None:
            if context is None:
                context = dict(values)
                app.update_template_context(context)
            module = modules[template] = app.jinja_env.get_template(template).make_module(context)
        html = module.slot(**slot_values)
        if key is not None:
            _memo.put(key, html)
        out.append(html)
    return "".join(out)


FLASHES_SLOT = "viewer/_flashes.html"  # read once: never memoised


def _viewer_state(values: dict) -> tuple:
    """Everything a slot may read besides its own values: who looks (their session, so their
    CSRF token, and what the header shows of them), the view's viewer values, the language
    and the page (the menu marks the current one). Two requests with the same state get the
    same slot HTML; a CSRF token without time limit (WTF_CSRF_TIME_LIMIT) stays valid."""
    user = current_user
    return (
        hashlib.blake2b(str(user.get_id()).encode(), digest_size=12).digest(),
        session.get("csrf_token"),
        user.id,
        user.pseudonym,
        tuple(sorted(role.role for role in user.roles)),
        tuple(sorted((m.company_id, m.status) for m in user.memberships)),
        repr(sorted(values.items())),
        select_locale(),
        request.endpoint,
    )


class _SlotMemo:
    """Slot HTML by viewer state, per process, the least recently used dropped first: a
    signed-in visitor's second view of any page costs no slot render (the header menu,
    "Suivre", their card links are the same as long as their state is)."""

    def __init__(self, size: int):
        self.size, self.entries, self.lock = size, OrderedDict(), threading.Lock()

    def get(self, key):
        with self.lock:  # threaded workers (gthread) share it
            html = self.entries.get(key)
            if html is not None:
                self.entries.move_to_end(key)
            return html

    def put(self, key, html) -> None:
        with self.lock:
            self.entries[key] = html
            if len(self.entries) > self.size:
                self.entries.popitem(last=False)


_memo = _SlotMemo(4096)


def chrome(name: str, caller) -> Markup:
    """`{% call chrome("footer") %}…{% endcall %}`: a part of the layout that depends on
    nothing but the language and the page's endpoint (links, labels, the current page
    marked), rendered once per process for each and reused by every page that is rendered
    (a form, "Mon compte", "Mes avis"…): the footer's twenty links cost a lookup."""
    key = ("chrome", name, select_locale(), request.endpoint, current_app.config["PAGE_CACHE_SALT"])
    html = _memo.get(key)
    if html is None:
        html = Markup(caller())  # noqa: S704 - the template's own output # nosec B704
        _memo.put(key, html)
    return html


def _from_fragment(name, stamp, render, params, viewer) -> Response:
    key = "frag:" + page_key(name, stamp, params).removeprefix("page:")
    kept = cache.get(key)
    if kept is None:
        response, kept = _render_fragment(render)
        if kept is None:
            # Not shareable (an error page, or the render touched the session): this visitor
            # gets a full render of their own.
            g.viewer_values = viewer()
            return make_response(render())
        cache.set(key, kept, timeout=current_app.config["PAGE_CACHE_TIMEOUT"])
    values = viewer()
    g.viewer_values = values
    response = Response(fill(kept, values), mimetype=kept[2])
    response.headers["Cache-Control"] = "private, no-cache"
    response.vary.update(("Cookie", "Accept-Language"))
    return response
