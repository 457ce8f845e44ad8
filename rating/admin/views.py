"""The administrators' home and log; every page of this blueprint is for administrators only."""

from flask import Blueprint, abort, render_template, request
from sqlalchemy import func, select

from ..auth.access import role_required
from ..companies.services import PageNotFound
from ..db import clamp_page, get_session
from ..forms import add_errors
from ..models import Membership, Suggestion
from . import log
from .errors import AdminRejected

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
@role_required("admin")
def admins_only():
    """Sign-in, then the admin role, for every route here (role_required answers otherwise)."""


def page_number() -> int:
    return clamp_page(request.args.get("page", 1, type=int))


NOT_DONE = object()  # what `attempt` returns when the form or the service said no


def attempt(form, action):
    """Run `action()`, an admin service call, once `form` validates; a refusal's reasons
    become the form's errors. What the action returned, or NOT_DONE."""
    if not form.validate_on_submit():
        return NOT_DONE
    try:
        return action()
    except AdminRejected as exc:
        add_errors(form, exc.reasons)
        return NOT_DONE


def or_404(call, *args):
    """A page of results, or 404 past the last one."""
    try:
        return call(*args)
    except PageNotFound:
        abort(404)


@bp.route("")
def index():
    """What waits for an administrator, and the links to every admin page."""
    session = get_session()
    pending = session.scalar(
        select(func.count()).select_from(Suggestion).where(Suggestion.status == "pending")
    )
    claims = session.scalar(
        select(func.count()).select_from(Membership).where(Membership.status == "pending")
    )
    return render_template("admin/index.html", suggestions=pending, claims=claims)


@bp.route("/log")
def log_view():
    """Every administrator action, newest first, with what it changed."""
    result = or_404(log.log_page, get_session(), page_number())
    entries = [(entry, log.changes(entry)) for entry in result.items]
    return render_template("admin/log.html", result=result, entries=entries)
