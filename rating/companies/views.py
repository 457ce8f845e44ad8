"""Public company pages: the A–Z listing, sector pages and the company profile."""

import string

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from .. import pagecache
from ..db import clamp_page, get_session
from ..palmares.services import sector_palmares
from ..reviews.forms import FilterForm
from . import formatting, page, services

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
    # A non-numeric ?page= falls back to the first page rather than failing; a huge one
    # stops at the last page a listing can have (past it: 404, never an integer overflow).
    if "page" not in request.args:  # most views: no exception raised and caught inside .get
        return 1
    return clamp_page(request.args.get("page", 1, type=int))


def _page_or_404(session, stmt):
    try:
        return services.companies_page(session, stmt, _page_number(), few_left_out=services.MERGED)
    except services.PageNotFound:
        abort(404)


@bp.route("/companies")
def index():
    """Every company A–Z (or best score first), paginated, filtered by sector and letter."""
    session = get_session()
    sectors = services.all_sectors(session)
    sector_slug = request.args.get("sector", "")
    sector = next((s for s in sectors if s.slug == sector_slug), None)
    letter = request.args.get("letter", "").upper()
    sort = request.args.get("sort") or "name"
    if (sector_slug and sector is None) or (letter and letter not in LETTERS):
        abort(404)
    if sort not in services.SORTS:
        abort(400)
    stmt = services.companies_query(sector.id if sector else None, letter or None, sort)
    result = _page_or_404(session, stmt)
    return render_template(
        "companies/index.html",
        result=result,
        figures=services.list_figures(session, [c.id for c in result.items]),
        sectors=sectors,
        sector=sector,
        letter=letter,
        letters=LETTERS,
        sort=sort,
    )


@bp.route("/companies/proposer")
def propose():
    """How to propose a company the site does not list yet (until a suggestion form exists)."""
    return render_template("companies/propose.html")


@bp.route("/sectors/<slug>")
def sector(slug: str):
    """One sector: its companies A–Z, paginated, and what other features add (rankings)."""
    session = get_session()
    sector = services.sector_by_slug(session, slug) or abort(404)
    result = _page_or_404(session, services.companies_query(sector.id))
    ranking = sector_palmares(session, sector)
    figures = services.list_figures(session, [c.id for c in result.items])
    return render_template(
        "companies/sector.html", sector=sector, result=result, figures=figures, palmares=ranking
    )


@bp.route("/companies/<slug>")
def detail(slug: str):
    """A company's profile, customer service, scores, grades and reviews (rating.companies.page);
    rendered once per version of its data, whole for anonymous visitors and as a fragment
    that each signed-in visitor's parts fill (rating.pagecache)."""
    stamp = services.company_stamp(slug) or abort(404)
    if stamp[-1]:  # merged into another company: its page is the survivor's (rating.admin.merge)
        return redirect(url_for("companies.detail", slug=stamp[-1]), 301)
    # No query string (most views): no filter, without building the form.
    filters = FilterForm(request.args).params() if request.args else {}
    params = {**filters, "page": _page_number()}

    def render():
        session = get_session()  # only when rendering: a cached view needs no session
        form = FilterForm(MultiDict(params))  # the cleaned parameters, nothing else
        found = page.company_page(session, slug, form.filters(), params["page"])
        if found is None:
            abort(404)  # deleted between the stamp and the render
        # Nothing of the visitor here: their parts are slots (rating.pagecache), filled
        # from viewer() below, so that signed-in visitors share one rendered body.
        return render_template(
            "companies/detail.html",
            company=found.company,
            community=found.community,
            audit=found.audit,
            declarations=found.declarations,
            reviews_page=found.reviews,
            badge_embed=found.badge,
            review_filters=form,
            review_params={"slug": slug, **form.params()},
            merges=found.merges,
            calls=found.calls,
        )

    def viewer() -> dict:
        user = current_user if current_user.is_authenticated else None
        return page.viewer_part(stamp[0], user).values()

    return pagecache.serve("company", stamp, render, params, viewer=viewer)
