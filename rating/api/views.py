"""GET /api/v1/companies, /api/v1/companies/<slug> and its reviews: read-only, paginated JSON.

Also the API's OpenAPI document (/api/v1/openapi.json) and its French page (/api).
"""

from datetime import date

from flask import (
    Blueprint,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from rating import pagecache
from rating.audit.summary import company_audit_summary
from rating.companies.services import MERGED, company_stamp
from rating.db import get_session, paginate
from rating.models import Company, Review, Sector
from rating.reviews import community
from rating.scores import read
from rating.search import search_companies
from rating.security import limiter

from . import openapi, serialize

bp = Blueprint("api", __name__, url_prefix="/api/v1")
API_LIMIT = "120/minute"
# Every route of the API, each counted on its own per address (README: 120 requests a
# minute): declared once here, checked with the request's other limits before the view
# runs (a decorator per view also cost 0.04 ms of every call, a fifth of a cached answer,
# even with the limits off).
limiter.limit(API_LIMIT)(bp)
PER_PAGE = 20
MAX_PAGE = openapi.MAX_PAGE
MAX_TEXT_ARG = openapi.MAX_SLUG


def page_arg() -> int:
    """The `page` parameter: a whole number from 1, else 400 (as JSON, see errors.py)."""
    raw = request.args.get("page", "1")
    # isascii: "²".isdigit() is true but int("²") fails.
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= MAX_PAGE:
        abort(400, description="page")
    return int(raw)


def storable(value: str) -> bool:
    """Whether `value` can be looked up at all (PostgreSQL refuses NUL in text)."""
    return "\x00" not in value and len(value) <= MAX_TEXT_ARG


@bp.after_app_request
def allow_reading_from_anywhere(response):
    """Read-only CORS on every /api/v1 route (the audit's open data too), errors included."""
    if request.path.startswith(bp.url_prefix + "/"):
        response.headers["Access-Control-Allow-Origin"] = "*"
        response.headers["Access-Control-Allow-Methods"] = "GET"
    return response


@bp.route("/companies")
def companies():
    """Companies, by relevance when `q` is given (same engine as /search), else A–Z."""
    session, page = get_session(), page_arg()
    q, sector = request.args.get("q", "").strip(), request.args.get("sector") or None
    if sector and not storable(sector):
        abort(400, description="sector")
    # A well-formed slug that names no sector: nothing there, as for an unknown company.
    if sector and session.scalar(select(Sector.id).where(Sector.slug == sector)) is None:
        abort(404)
    if q:
        found = search_companies(q, page=page, per_page=PER_PAGE, sector=sector)
        # The engine stops at its last page and answers that one instead: past it, nothing.
        ids = found.ids if found.page == page else []
        rows = session.scalars(select(Company).where(Company.id.in_(ids))).all()
        by_id = {c.id: c for c in rows}
        items, total = [by_id[i] for i in ids if i in by_id], found.total
    else:
        stmt = select(Company).join(Sector).order_by(Company.name, Company.id)
        if sector:
            stmt = stmt.where(Sector.slug == sector)
        # Merged companies (their slug redirects) are left out, as from the site's lists.
        items, total = paginate(session, stmt, page, PER_PAGE, few_left_out=MERGED)
    return {"items": [serialize.company_item(c) for c in items], "total": total, "page": page}


def company_or_404(slug: str) -> Company:
    if not storable(slug):
        abort(404)
    company = get_session().scalar(select(Company).where(Company.slug == slug))
    if company is None:
        abort(404)
    return company


def to_survivor(endpoint: str, survivor_slug: str):
    """301 to the same resource of the company a merged one went into (as its page does:
    rating.admin.merge), query string kept."""
    return redirect(url_for(endpoint, slug=survivor_slug, **request.args), 301)


@bp.route("/companies/<slug>")
def company(slug: str):
    """One company with its community score and audit grades (kept in the page cache
    under the company page's stamp, see rating.pagecache)."""
    stamp = storable(slug) and company_stamp(slug)
    if not stamp:
        abort(404)
    if stamp[-1]:  # merged: the survivor's slug
        return to_survivor("api.company", stamp[-1])

    def render():
        session, found = get_session(), company_or_404(slug)
        summary = community.community_summary(session, found.id)
        audit = company_audit_summary(session, found.id, community=summary["score"])
        audit_json = {
            "latest": audit["latest"].as_api() if audit else None,
            "history": [grade.as_api() for grade in audit["history"]] if audit else [],
            "divergence": bool(audit and audit["divergence"]),
        }
        centres = [centre.country for centre in found.contact_centres]
        calls = read.company_calls(
            session, found.id, centres, date.today(), summary=summary["stored"]
        )
        detail = serialize.company_detail(
            found, community.public_community(summary), audit_json, calls
        )
        detail["facts"] = serialize.crowd_facts(summary["facts"])
        detail["moderation"] = serialize.moderation_ledger(summary["ledger"])
        return detail

    return pagecache.serve("api-company", stamp, render)


@bp.route("/companies/<slug>/reviews")
def company_reviews(slug: str):
    """Published reviews of one company, newest first."""
    session, page, found = get_session(), page_arg(), company_or_404(slug)
    if found.merged_into_id is not None:
        return to_survivor("api.company_reviews", session.get(Company, found.merged_into_id).slug)
    stmt = community.reviews_query(found.id, {}).options(
        selectinload(Review.reply), selectinload(Review.author)
    )
    rows, total = paginate(session, stmt, page, PER_PAGE)
    return {"items": [serialize.review_item(r) for r in rows], "total": total, "page": page}


@bp.route("/openapi.json", endpoint="openapi")
def openapi_document():
    """The OpenAPI 3.1 description of every /api/v1 route and of the badge."""
    response = jsonify(openapi.document(current_app.config["SITE_URL"]))
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


def docs():
    """/api: the endpoints in French, with an example of each."""
    site_url = current_app.config["SITE_URL"].rstrip("/")
    return render_template("api/docs.html", endpoints=openapi.endpoints(), site_url=site_url)


# /api sits outside the blueprint's /api/v1 prefix; its endpoint is still "api.docs".
bp.record_once(lambda state: state.app.add_url_rule("/api", "api.docs", docs))
