"""DSA routes: anyone notifies illegal content; authors and notifiers contest once.
Moderators decide notices and appeals from the queue (rating.moderation.views)."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from rating.db import get_session
from rating.forms import add_errors
from rating.models import IllegalNotice, Review
from rating.reviews import community
from rating.reviews.services import ReviewRejected
from rating.security import limiter

from . import links, services
from .forms import AppealForm, NoticeForm

bp = Blueprint("dsa", __name__)


def _published(review_id: int) -> Review:
    review = get_session().get(Review, review_id)
    if review is None or review.status != "published":
        abort(404)
    return review


@bp.route("/reviews/<int:review_id>/illicite", methods=["GET", "POST"], defaults={"reply": False})
@bp.route(
    "/reviews/<int:review_id>/reponse/illicite", methods=["GET", "POST"], defaults={"reply": True}
)
@limiter.limit("10/hour", methods=["POST"])
def notice(review_id: int, reply: bool):
    """Signaler un contenu illicite (DSA art. 16): open to everyone, signed in or not."""
    review = _published(review_id)
    if reply and review.reply is None:
        abort(404)
    form = NoticeForm()
    if form.validate_on_submit():
        draft = services.NoticeDraft(
            form.category.data, form.explanation.data, form.email.data, form.good_faith.data, reply
        )
        user = current_user if current_user.is_authenticated else None
        try:
            services.submit_notice(get_session(), review, draft, user)
        except ReviewRejected as exc:
            add_errors(form, exc.reasons)
        else:
            flash(_("Merci : signalement enregistré. La décision vous sera envoyée par e-mail."))
            return redirect(url_for("reviews.show", review_id=review.id))
    return render_template("dsa/notice.html", form=form, card=community.card(review), reply=reply)


@bp.route("/reviews/<int:review_id>/contester", methods=["GET", "POST"])
@login_required
def author_appeal(review_id: int):
    """The author contests the refusal or removal of their review (once)."""
    review = get_session().get(Review, review_id) or abort(404)
    if review.author_id != current_user.id:
        abort(403)
    form = AppealForm()
    if form.validate_on_submit():
        try:
            services.appeal_as_author(get_session(), review, current_user, form.explanation.data)
        except ReviewRejected as exc:
            add_errors(form, exc.reasons)
        else:
            flash(_("Votre contestation est enregistrée : un autre modérateur la tranchera."))
            return redirect(url_for("reviews.mine"))
    return render_template("dsa/appeal.html", form=form, review=review)


@bp.route("/signalements/<token>/contester", methods=["GET", "POST"])
@limiter.limit("10/hour", methods=["POST"])
def notifier_appeal(token: str):
    """The notifier contests the decision on their notice (link sent with the decision)."""
    notice_id = links.notice_id_of(token)
    found = get_session().get(IllegalNotice, notice_id) if notice_id is not None else None
    if found is None:
        abort(404)
    form = AppealForm()
    if form.validate_on_submit():
        try:
            services.appeal_as_notifier(get_session(), found, form.explanation.data)
        except ReviewRejected as exc:
            add_errors(form, exc.reasons)
        else:
            flash(_("Votre contestation est enregistrée : un autre modérateur la tranchera."))
            return redirect(url_for("main.index"))
    return render_template("dsa/appeal.html", form=form, review=None)
