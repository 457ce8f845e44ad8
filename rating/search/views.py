"""/search (results, facets, pagination) and /search/autocomplete (JSON)."""

import time

from flask import Blueprint, current_app, g, jsonify, render_template, request, url_for
from werkzeug.datastructures import MultiDict

from .. import pagecache
from ..companies.services import latest_change
from ..db import get_session
from ..security import limiter
from .api import autocomplete as autocomplete_companies
from .api import get_store, search_companies
from .display import facet_labels, result_items
from .forms import SearchForm
from .outbox import drain_quietly, pending

bp = Blueprint("search", __name__)

PER_PAGE = 20
HEAL_INTERVAL = 60.0  # seconds between two checks for rows left by a killed process


@bp.route("/search")
@limiter.limit("60/minute")
def results():
    """Results page; works without JavaScript (facets and pages are plain links). Kept in
    the page cache while neither the index nor any company's figures change (for signed-in
    visitors too: only the header's account menu is theirs)."""
    stamp = (*get_store().generation(), *latest_change())
    params = SearchForm(request.args).params(request.args.get("page"))

    def render():
        session = get_session()  # only when rendering: a cached view needs no session
        # The cleaned parameters, nothing else of the request (they are the cache's key).
        form = SearchForm(MultiDict({k: v for k, v in params.items() if v}))
        searched = bool(params["q"] or params["sector"] or params["region"] or params["letter"])
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

    return pagecache.serve("search", stamp, render, params, viewer=dict)


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
    """Apply this request's outbox rows once it committed; now and then, heal leftovers.

    Only requests that queued a row pay for draining (a flag set by queue_company), so
    reads stay free; once a minute per process a single cheap read looks for rows left
    by a killed process. A request still inside a transaction (it did not commit) skips:
    its rows do not exist, and on SQLite it would wait on its own write lock.
    """
    session = g.get("db_session")
    if session is not None and session.in_transaction():
        return response
    app = current_app._get_current_object()
    store = get_store(app)
    if g.pop("search_queued", False):
        drain_quietly(app)
    elif time.monotonic() - store.last_heal > HEAL_INTERVAL:
        store.last_heal = time.monotonic()
        if pending(app):
            drain_quietly(app)
    return response
