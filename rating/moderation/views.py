"""Moderation queue (/moderation, moderators only) and the public charter (/charte)."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from rating.auth.access import role_required
from rating.db import get_session
from rating.dsa import services as dsa_services
from rating.dsa.forms import StatementForm
from rating.i18n import translate
from rating.models import Review
from rating.reviews import rules
from rating.reviews.services import NotAllowed, ReviewRejected

from . import charter as charter_figures
from . import services
from .forms import DECISION_LABELS, DecisionForm

bp = Blueprint("moderation", __name__)


@bp.route("/moderation")
@role_required("moderator")
def queue():
    """Held and reported reviews, the longest-waiting first, each with its signals."""
    items = services.moderation_queue(get_session())
    return render_template(
        "moderation/queue.html",
        items=items,
        form=DecisionForm(),
        max_days=rules.MODERATION_MAX_DAYS,
        decisions=DECISION_LABELS,
        dsa=dsa_services.open_items(get_session()),
        statement_form=StatementForm(),
    )


@bp.route("/moderation/reviews/<int:review_id>", methods=["POST"])
@role_required("moderator")
def decide(review_id: int):
    """Record a decision with its reason; the author is told by mail."""
    session = get_session()
    review = session.get(Review, review_id) or abort(404)
    form = DecisionForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        services.decide_review(
            session, review, current_user, form.decision.data,
            form.reason.data or None, form.comment.data or "",
        )  # fmt: skip
    except NotAllowed:
        abort(403)
    except ReviewRejected as exc:
        flash(
            _("Avis n° %(id)s : %(reason)s", id=review.id, reason=translate(exc.reasons[0][1])),
            "error",
        )
    else:
        flash(_("Décision enregistrée pour l'avis n° %(id)s.", id=review.id), "success")
    return redirect(url_for("moderation.queue"))


@bp.route("/charte")
def charter():
    """The law's rubrique spécifique, with the measured moderation delay."""
    figures = charter_figures.charter_figures(get_session())
    return render_template(
        "moderation/charter.html",
        figures=figures,
        rules=rules,
    )
