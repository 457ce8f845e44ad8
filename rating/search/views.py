"""/search (results, facets, pagination) and /search/autocomplete (JSON)."""

import logging
import time

from flask import Blueprint, current_app, g, jsonify, render_template, request, url_for
from werkzeug.datastructures import MultiDict

from .. import pagecache
from ..companies.services import latest_change
from ..config import worker_enabled
from ..db import get_session
from ..security import limiter
from .api import autocomplete as autocomplete_companies
from .api import get_store, search_companies
from .display import facet_labels, result_items
from .forms import SearchForm, clean_params
from .outbox import behind, drain_quietly

bp = Blueprint("search", __name__)

PER_PAGE = 20
HEAL_INTERVAL = 60.0  # seconds between two checks for rows left by a killed process
CATCH_UP_INTERVAL = 1.0  # seconds between two looks at the log before answering a search
# Changes one search applies before answering: a host back from a long stop catches up a
# batch per second per process instead of making one visitor wait for all of it.
CATCH_UP_BATCH = 100
# What answers from the index: the results page, autocomplete, the API's search.
CATCH_UP_ENDPOINTS = frozenset({"search.results", "search.autocomplete", "api.companies"})


@bp.before_app_request
def catch_up():
    """Before a search is answered, apply what other hosts changed: at most once a second
    per process, one cheap indexed read, then at most CATCH_UP_BATCH changes; never waits
    on the index lock (when another process holds it, the answer comes from the index as
    it is)."""
    if request.endpoint not in CATCH_UP_ENDPOINTS:
        return
    store = get_store()
    now = time.monotonic()
    if now - store.last_catch_up < CATCH_UP_INTERVAL:
        return
    store.last_catch_up = now
    app = current_app._get_current_object()
    try:
        late = behind(app)
    except Exception:  # the database is unwell: search answers from the index as it is
        logging.getLogger(__name__).exception("search log not readable")
        return
    if late:
        drain_quietly(app, batch=CATCH_UP_BATCH, rounds=1)


@bp.route("/search")
def results():
    """Results page; works without JavaScript (facets and pages are plain links). Kept in
    the page cache while neither the index nor any company's figures change (for signed-in
    visitors too: only the header's account menu is theirs)."""
    stamp = (*get_store().generation(), *latest_change())
    # A plain dict: werkzeug's MultiDict.get raises and catches an HTTP exception for each
    # missing name (six of them in a plain search: a fifth of a cached view's cost).
    query = request.args.to_dict()
    params = clean_params(query, query.get("page"))
    return pagecache.serve("search", stamp, lambda: _render_results(params), params, viewer=dict)


@limiter.limit("60/minute")
def _render_results(params: dict):
    """The results page for the cleaned `params` (nothing else of the request: they are the
    cache's key).

    The limit (RELIABILITY IDX-4) counts what costs: every page rendered, so every query
    the index answers. A page the cache serves again (the same search, while neither the
    index nor any company's figures changed) costs what /healthz costs and is not counted:
    a shopper reloading it is not stopped, and Flask-Limiter's check (0.04 ms, a fifth of
    a cached view) stays off that path. Any other query string is a new page: counted.
    """
    session = get_session()  # only when rendering: a cached view needs no session
    form = SearchForm(MultiDict({k: v for k, v in params.items() if v}))
    searched = any(params[k] for k in ("q", "sector", "region", "letter", "france"))
    result = search_companies(**params, per_page=PER_PAGE) if searched else None
    return render_template(
        "search/results.html",
        form=form,
        params=params,
        result=result,
        items=result_items(session, result) if result else [],
        labels=facet_labels(session, result) if result else {},
        link=_link(params),
        pages=-(-result.total // PER_PAGE) if result else 0,
        header_query=params["q"],
    )


def _link(params: dict):
    """url_for /search with the current parameters, some replaced (None removes one)."""

    def build(**changes) -> str:
        merged = {**params, "page": None, **changes}
        return url_for("search.results", **{k: v for k, v in merged.items() if v})

    return build


@bp.route("/search/autocomplete")
@limiter.limit("300/minute")
def autocomplete():
    """Up to 8 companies whose name words start with what was typed (JSON)."""
    q = request.args.get("q", "")
    items = [
        {
            "name": fields.get("name", ""),
            "url": url_for("companies.detail", slug=fields.get("slug", "")),
            "city": fields.get("city", ""),
            "sector": fields.get("sector", ""),
        }
        for fields in autocomplete_companies(q)
    ]
    response = jsonify({"query": q[:200], "items": items})
    response.headers["Cache-Control"] = "public, max-age=60"
    return response


@bp.after_app_request
def drain_after_write(response):
    """Apply the search log once this request committed a change; now and then, heal.

    Only requests that queued a change pay for tailing (a flag set by queue_company), so
    reads stay free; once a minute per process a single cheap read looks for changes left
    by a killed process or made on another host. A request still inside a transaction (it
    did not commit) skips: its rows do not exist, and on SQLite it would wait on its own
    write lock.
    """
    session = g.get("db_session")
    if session is not None and session.in_transaction():
        return response
    if worker_enabled(current_app.config):  # this host's worker tails the changes instead
        return response
    app = current_app._get_current_object()
    store = get_store(app)
    if g.pop("search_queued", False):
        drain_quietly(app)
    elif time.monotonic() - store.last_heal > HEAL_INTERVAL:
        store.last_heal = time.monotonic()
        if behind(app):
            drain_quietly(app)
    return response
