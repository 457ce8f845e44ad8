"""Public company pages: the A–Z listing, sector pages and the company profile."""

import string

from flask import Blueprint, abort, render_template, request

from .. import pagecache
from ..db import get_session
from . import formatting, services

bp = Blueprint("companies", __name__)
LETTERS = tuple(string.ascii_uppercase)


@bp.app_template_filter("siren")
def siren_filter(value: str | None) -> str:
    return formatting.format_siren(value)


@bp.app_context_processor
def company_helpers() -> dict:
    """Display helpers for contact points, usable by every feature's templates."""
    return {
        "tel_href": formatting.tel_href,
        "website_url": formatting.website_url,
        "is_link": formatting.is_link,
    }


def _page_number() -> int:
    # A non-numeric ?page= falls back to the first page rather than failing.
    return max(request.args.get("page", 1, type=int), 1)


def _page_or_404(session, stmt):
    try:
        return services.companies_page(session, stmt, _page_number())
    except services.PageNotFound:
        abort(404)


@bp.route("/companies")
def index():
    """Every company A–Z, paginated, filtered by sector and first letter."""
    session = get_session()
    sectors = services.all_sectors(session)
    sector_slug = request.args.get("sector", "")
    sector = next((s for s in sectors if s.slug == sector_slug), None)
    letter = request.args.get("letter", "").upper()
    if (sector_slug and sector is None) or (letter and letter not in LETTERS):
        abort(404)
    stmt = services.companies_query(sector.id if sector else None, letter or None)
    result = _page_or_404(session, stmt)
    return render_template(
        "companies/index.html",
        result=result,
        sectors=sectors,
        sector=sector,
        letter=letter,
        letters=LETTERS,
    )


@bp.route("/sectors/<slug>")
def sector(slug: str):
    """One sector: its companies A–Z, paginated, and what other features add (rankings)."""
    session = get_session()
    sector = services.sector_by_slug(session, slug) or abort(404)
    result = _page_or_404(session, services.companies_query(sector.id))
    extra = services.page_context("sector", session, sector)
    return render_template("companies/sector.html", sector=sector, result=result, **extra)


@bp.route("/companies/<slug>")
def detail(slug: str):
    """A company's profile and customer service, with the sections other features add;
    rendered once per version of its data for anonymous visitors (rating.pagecache)."""
    stamp = services.company_stamp(slug) or abort(404)

    def render():
        session = get_session()  # only when rendering: a cached view needs no session
        company = services.company_by_slug(session, slug)
        extra = services.page_context("company", session, company)
        return render_template("companies/detail.html", company=company, **extra)

    return pagecache.serve("company", stamp, render)
