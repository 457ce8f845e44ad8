"""Moderation queue (/moderation, moderators only) and the public charter (/charte)."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from rating.auth.access import role_required
from rating.db import clamp_page, get_session
from rating.dsa import services as dsa_services
from rating.dsa.forms import StatementForm
from rating.i18n import translate
from rating.models import Appeal, IllegalNotice, Review
from rating.reviews import rules
from rating.reviews.services import NotAllowed, ReviewRejected

from . import charter as charter_figures
from . import services
from .forms import DECISION_LABELS, DecisionForm

bp = Blueprint("moderation", __name__)


FILTER_LABELS = {
    "": _l("Tout"),
    "held": _l("En attente"),
    "reported": _l("Signalés"),
    "flagged": _l("Liés par les contrôles"),
    "notices": _l("Contenus illicites et contestations"),
    "overdue": _l("En retard"),
}


def queue_where() -> dict:
    """The filter and page the moderator was on, from the query string (kept by the forms)."""
    chosen, page = request.args.get("filter"), clamp_page(request.args.get("page", 1, type=int))
    return {
        "filter": chosen if chosen in services.FILTERS else None,
        "page": page if page > 1 else None,
    }


def render_queue(*, anchor=None, error=None, submitted=None, status=200):
    """The queue; after a refused decision, the page holding the item, the error beside it
    (the form's action carries #anchor, so the browser lands on the item)."""
    where = queue_where()
    view = services.queue_view(
        get_session(), where["filter"] or "", where["page"] or 1, anchor=anchor
    )
    if error and anchor not in {item.anchor for item in view.page.items}:
        flash(error, "error")  # the item left the queue (decided meanwhile): say it on top
    page = render_template(
        "moderation/queue.html",
        view=view,
        filters=FILTER_LABELS,
        form=DecisionForm(formdata=None),
        max_days=rules.MODERATION_MAX_DAYS,
        decisions=DECISION_LABELS,
        statement_form=StatementForm(formdata=None),
        errors={anchor: error} if error else {},
        submitted={anchor: submitted} if submitted else {},
    )
    return page, status


@bp.route("/moderation")
@role_required("moderator")
def queue():
    """Held, reported and flagged reviews, notices and appeals, the longest-waiting first."""
    return render_queue(anchor=request.args.get("item"))


def refused_decision(anchor: str, exc_or_form) -> tuple:
    """The queue again, on the item, with why the decision was not recorded (400)."""
    if isinstance(exc_or_form, ReviewRejected):
        message = translate(exc_or_form.reasons[0][1])
    else:
        messages = [m for name, ms in exc_or_form.errors.items() for m in ms]
        message = messages[0] if messages else _("Le formulaire a expiré : renvoyez-le.")
        if "csrf_token" in exc_or_form.errors:
            message = _("Le formulaire a expiré : renvoyez-le.")
    return render_queue(anchor=anchor, error=message, submitted=request.form, status=400)


@bp.route("/moderation/reviews/<int:review_id>", methods=["POST"])
@role_required("moderator")
def decide(review_id: int):
    """Record a decision with its reason; the author is told by mail."""
    session = get_session()
    review = session.get(Review, review_id) or abort(404)
    form, anchor = DecisionForm(), f"item-{review.id}"
    if not form.validate_on_submit():
        return refused_decision(anchor, form)
    try:
        services.decide_review(
            session, review, current_user, form.decision.data,
            form.reason.data or None, form.comment.data or "",
        )  # fmt: skip
    except NotAllowed:
        abort(403)
    except ReviewRejected as exc:
        return refused_decision(anchor, exc)
    flash(_("Décision enregistrée pour l'avis n° %(id)s.", id=review.id), "success")
    return redirect(url_for("moderation.queue", **queue_where()))


@bp.route("/charte")
def charter():
    """The law's rubrique spécifique, with the measured moderation delay."""
    figures = charter_figures.charter_figures(get_session())
    return render_template(
        "moderation/charter.html",
        figures=figures,
        rules=rules,
    )


def _decide_dsa(kind: str, item_id: int):
    """A moderator's decision on an illegal-content notice or an appeal (DSA art. 16, 20)."""
    session = get_session()
    model, decide = {
        "notice": (IllegalNotice, dsa_services.decide_notice),
        "appeal": (Appeal, dsa_services.decide_appeal),
    }[kind]
    item = session.get(model, item_id) or abort(404)
    form, anchor = StatementForm(), f"{kind}-{item_id}"
    if not form.validate_on_submit():
        return refused_decision(anchor, form)
    statement = dsa_services.Statement(
        form.outcome.data or "", form.ground.data or "", form.explanation.data or ""
    )
    try:
        decide(session, item, current_user, statement)
    except NotAllowed:
        abort(403)
    except ReviewRejected as exc:
        return refused_decision(anchor, exc)
    flash(_("Décision enregistrée ; l'intéressé en est informé par e-mail."), "success")
    return redirect(url_for("moderation.queue", **queue_where()))


@bp.route("/moderation/notices/<int:notice_id>", methods=["POST"])
@role_required("moderator")
def decide_notice(notice_id: int):
    """Uphold or dismiss a notice, with its ground and explanation."""
    return _decide_dsa("notice", notice_id)


@bp.route("/moderation/appeals/<int:appeal_id>", methods=["POST"])
@role_required("moderator")
def decide_appeal(appeal_id: int):
    """Decide an appeal (never by the moderator of the contested decision)."""
    return _decide_dsa("appeal", appeal_id)
