"""Home page and health check."""

from flask import Blueprint, current_app, jsonify, render_template
from flask_babel import format_date, format_datetime, format_decimal, format_percent

from .. import pagecache
from ..companies import services as companies
from ..db import get_session
from ..i18n import translate
from ..worker.health import readiness

bp = Blueprint("main", __name__)


@bp.route("/")
def index():
    """Home: the search box, the sectors and recently rated companies; rendered once per
    change of its data for every visitor (rating.pagecache; the header's account menu is
    filled per signed-in visitor)."""

    def render():
        session = get_session()  # only when rendering: a cached view needs no session
        recent = companies.recently_rated(session)
        return render_template(
            "main/index.html",
            sectors=companies.sectors_with_counts(session),
            recent=recent,
            figures=companies.list_figures(session, [c.id for c in recent]),
        )

    # Nothing of the visitor but the header's slots: signed-in visitors share the body too.
    return pagecache.serve("home", companies.latest_change(), render, viewer=dict)


@bp.route("/healthz")
def healthz():
    """Liveness probe; touches no database."""
    return {"status": "ok"}


@bp.route("/healthz/ready")
def ready():
    """Readiness (JSON): 200 when this host can serve, 503 with the reasons otherwise; the
    mail queue, this host's index lag, overdue moderation items, the worker's heartbeat."""
    found = readiness(current_app._get_current_object())
    body = {
        "status": "ready" if found.ready else "not ready",
        "reasons": [translate(reason) for reason in found.reasons],
        **found.figures,
    }
    response = jsonify(body)
    response.status_code = 200 if found.ready else 503
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.app_context_processor
def template_helpers():
    """Locale formatters for every template."""
    return {
        "format_date": format_date,
        "format_datetime": format_datetime,
        "format_decimal": format_decimal,
        "format_percent": format_percent,
    }


@bp.app_template_filter("translated")
def translated(message: str) -> str:
    """Translate a message computed in Python (error pages); the result stays auto-escaped,
    unlike Jinja's `_()`, which marks its result safe."""
    return translate(message)
