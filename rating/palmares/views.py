"""The national palmarès (/palmares) and the embeddable badge (/companies/<slug>/badge.svg)."""

from flask import Blueprint, Response, abort, current_app, render_template, request

from ..db import get_session
from ..security import site_url_for
from . import ranking, services
from .badge import SITE_NAME, badge_text

bp = Blueprint("palmares", __name__)
BADGE_CACHE = "public, max-age=3600"


@bp.route("/palmares")
def index():
    """The top of each sector, by audit grade and by community score, kept apart."""
    sectors = services.national_palmares(get_session())
    return render_template("palmares/index.html", sectors=sectors, min_reviews=ranking.MIN_REVIEWS)


@bp.route("/companies/<slug>/badge.svg")
def badge(slug: str):
    """SVG badge: community score and latest audit letter, linking to the company page.

    An unknown company gets the site's French 404 page (an <img> then shows nothing).
    """
    data = services.company_badge(get_session(), slug) or abort(404)
    company_url = site_url_for("companies.detail", slug=data.slug)
    etag = data.etag(company_url)
    headers = {
        "Cache-Control": BADGE_CACHE,
        # Meant to be shown by other sites: say so, whatever default a proxy adds.
        "Cross-Origin-Resource-Policy": "cross-origin",
    }
    if request.if_none_match.contains_weak(etag):
        response = Response(status=304, headers=headers)
    else:
        text = badge_text(
            data.name, data.score, data.reviews, data.letter, data.period, data.methodology
        )
        # No context processors: they would load the signed-in user (a query) for nothing.
        template = current_app.jinja_env.get_template("palmares/badge.svg")
        svg = template.render(t=text, company_url=company_url, site_name=SITE_NAME)
        response = Response(svg, headers=headers, content_type="image/svg+xml; charset=utf-8")
    response.set_etag(etag)
    return response
