"""Notification settings, the "Suivre" button and the one-click unsubscribe link."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from rating.db import get_session
from rating.models import Company
from rating.security import csrf

from . import services, tokens
from .forms import FollowForm, settings_form

bp = Blueprint("notifications", __name__)


def _me():
    return current_user._get_current_object()


@bp.route("/account/notifications", methods=["GET", "POST"])
@login_required
def settings():
    """Which mails to receive; a representative chooses per company (at once, daily, never)."""
    session = get_session()
    current = services.settings_of(session, _me())
    companies = [company for company, _mode in current.alerts]
    defaults = {kind: True for kind in current.kinds_on}
    defaults |= {f"alerts_{company.id}": mode for company, mode in current.alerts}
    form = settings_form(companies, data=defaults)
    if form.validate_on_submit():
        services.save_settings(session, _me(), form.kinds_on(), form.alerts())
        flash(_("Vos choix de notifications sont enregistrés."), "success")
        return redirect(url_for("notifications.settings"))
    status = 422 if form.errors else 200
    return render_template("notifications/settings.html", form=form, current=current), status


@bp.route("/companies/<slug>/suivre", methods=["POST"])
@login_required
def follow(slug: str):
    """Follow a company (told of its new audit grades) or stop following it."""
    session = get_session()
    company = session.scalar(select(Company).where(Company.slug == slug)) or abort(404)
    form = FollowForm()
    if not form.validate_on_submit():
        abort(400)
    following = form.action.data == "follow"
    services.set_follow(session, _me(), company, following)
    if following:
        flash(
            _(
                "Vous suivez %(name)s : vous recevrez ses nouvelles notes d'audit.",
                name=company.name,
            ),
            "success",
        )
    else:
        flash(_("Vous ne suivez plus %(name)s.", name=company.name), "success")
    return redirect(url_for("companies.detail", slug=company.slug))


# RFC 8058: a mail client unsubscribes by POSTing "List-Unsubscribe=One-Click" to the link,
# with no cookie and no CSRF token. The signed token in the URL is the proof of who asks
# (only the recipient's mailbox holds it) and it can only turn mail *off*, so a forged
# cross-site POST gains nothing: the route is exempt from the CSRF check on purpose.
# GET only shows the confirmation (link scanners fetch links), POST acts.
@bp.route("/desabonnement/<token>", methods=["GET", "POST"])
@csrf.exempt
def unsubscribe(token: str):
    scope = tokens.read(token) or abort(404)
    session = get_session()
    company = session.get(Company, scope.company_id) if scope.company_id else None
    if request.method == "POST":
        if not services.unsubscribe(session, scope):
            abort(404)
        return render_template(
            "notifications/unsubscribe.html", scope=scope, company=company, token=token, done=True
        )
    return render_template(
        "notifications/unsubscribe.html", scope=scope, company=company, token=token, done=False
    )
