"""The private company dashboard: scorecard, charts, reviews to answer, invitations, CSV export.

Only an active representative of a company sees its dashboard (403 for anyone else signed
in, a sign-in redirect for visitors, 404 for an unknown slug).
"""

import logging

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required
from sqlalchemy import select

from rating import pagecache
from rating.companies import services
from rating.db import get_session, utcnow
from rating.models import Company
from rating.security import limiter

from . import queries, scorecard

bp = Blueprint("dashboard", __name__)
security_log = logging.getLogger("rating.security")


EXPORT_LIMIT = "20/hour"  # per account; setting DASHBOARD_EXPORT_LIMIT overrides it


def user_key() -> str:
    """The export is limited per account (the route requires sign-in)."""
    return f"user:{current_user.get_id()}"


def export_limit() -> str:
    return current_app.config.get("DASHBOARD_EXPORT_LIMIT", EXPORT_LIMIT)


def represented_company_or_abort(slug: str) -> Company:
    """The company of `slug` if the signed-in user represents it; 404 unknown, 403 otherwise."""
    company = get_session().scalar(select(Company).where(Company.slug == slug)) or abort(404)
    refuse_unless_represented(company.id)
    return company


def refuse_unless_represented(company_id: int) -> None:
    """403 (logged) unless the signed-in user represents the company."""
    if company_id not in current_user.represented_company_ids():
        security_log.warning(
            "authorisation refused: user #%s is not a representative of company #%s (%s)",
            current_user.id,
            company_id,
            request.endpoint,
        )
        abort(403)


@bp.route("/dashboard")
@login_required
def index():
    """The companies the user represents; straight to the scorecard when there is one."""
    session = get_session()
    ids = current_user.represented_company_ids()
    if len(ids) == 1:
        company = session.get(Company, next(iter(ids)))
        return redirect(url_for("dashboard.company", slug=company.slug))
    return render_template(
        "dashboard/index.html",
        companies=queries.represented_companies(session, ids) if ids else [],
        awaiting=queries.awaiting_counts(session, ids) if ids else {},
        pending=queries.pending_claims(session, current_user.id),
    )


@bp.route("/dashboard/<slug>")
@login_required
def company(slug: str):
    """The scorecard of one represented company."""
    # Every request: access first, from the page-cache stamp's row (no company loaded).
    found = services.company_stamp(slug) or abort(404)
    company_id = found[0]
    refuse_unless_represented(company_id)
    now = utcnow()
    # The body is the same for every representative of the company while its data is: kept
    # as a fragment (rating.pagecache) whose slots are each visitor's (menu, CSRF tokens).
    # Stamps: the company page's (reviews, replies, moderation, declarations, audit), every
    # company's summary changes (the sector position) and the invitation links.
    stamp = (*found, *services.latest_change(), *queries.invitations_stamp(company_id, now))

    def render():
        session = get_session()
        company = session.get(Company, company_id)
        context = scorecard.scorecard(session, company, now=now)
        return render_template("dashboard/company.html", company=company, **context)

    return pagecache.serve("dashboard", stamp, render, viewer=dict)


@bp.route("/dashboard/<slug>/export.csv")
@login_required
@limiter.limit(export_limit, key_func=user_key)
def export(slug: str):
    """The company's published reviews and scorecard figures as CSV (UTF-8 BOM, `;`)."""
    company = represented_company_or_abort(slug)
    body = scorecard.export_csv(get_session(), company)
    filename = f"observatoire-{company.slug}.csv"
    return Response(
        body.encode("utf-8"),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "private, no-store",
        },
    )
