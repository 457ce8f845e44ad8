"""The legal and trust pages: one view each, plain text in templates/legal/."""

from flask import Blueprint, render_template

from ..cgu import CGU_DATE, CGU_VERSION
from ..scores import formula
from . import terms

bp = Blueprint("legal", __name__)


@bp.app_context_processor
def legal_links():
    """The terms' version and date, for the footer, the registration form and the pages."""
    return {"cgu_version": CGU_VERSION, "cgu_date": CGU_DATE}


def page(name: str, **context):
    """Render templates/legal/<name>.html with the operator's details."""
    return render_template(f"legal/{name}.html", site=terms.operator(), **context)


@bp.route("/mentions-legales")
def notice():
    return page("mentions")


@bp.route("/cgu")
def cgu():
    return page("cgu", retention=terms.retention())


@bp.route("/confidentialite")
def privacy():
    return page("privacy", retention=terms.retention(), cookies=terms.cookies())


@bp.route("/cookies")
def cookies():
    return page("cookies", retention=terms.retention(), cookies=terms.cookies())


@bp.route("/accessibilite")
def accessibility():
    return page("accessibility")


@bp.route("/a-propos")
def about():
    return page(
        "about",
        window_months=formula.WINDOW_MONTHS,
        prior_mean=formula.PRIOR_MEAN,
        prior_weight=int(formula.PRIOR_WEIGHT),
    )
