"""Home page and health check."""

from flask import Blueprint, current_app, render_template

bp = Blueprint("main", __name__)


@bp.route("/")
def index():
    """Home: the search box, the sectors and recently rated companies."""
    return render_template("main/index.html")


@bp.route("/healthz")
def healthz():
    """Liveness probe; touches no database."""
    return {"status": "ok"}


@bp.app_context_processor
def template_helpers():
    """`has_endpoint(name)`: lets the layout link only to pages that exist."""
    return {"has_endpoint": lambda name: name in current_app.view_functions}
