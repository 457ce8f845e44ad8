"""/companies/suggest (check by GET, duplicates shown, then post) and "Mes suggestions"."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user

from ..auth.access import verified_required
from ..db import get_session
from ..forms import add_errors
from ..reviews.views import user_key
from ..security import limiter
from . import services
from .duplicates import WHY, likely_duplicates
from .forms import CheckForm, SuggestForm

bp = Blueprint("suggestions", __name__)


def _draft(form) -> services.SuggestionDraft:
    return services.SuggestionDraft(form.name.data, form.website.data, form.siren.data)


@bp.route("/companies/suggest", methods=["GET", "POST"])
@verified_required
@limiter.limit("20/hour", key_func=user_key, methods=["POST"])
def suggest():
    """Step 1 (GET ?name=…): the likely duplicates; step 2 (POST): the suggestion is stored."""
    session = get_session()
    if request.method == "POST":
        form = SuggestForm()
        if form.validate_on_submit():
            try:
                services.submit_suggestion(session, current_user, _draft(form))
            except services.SuggestionRejected as exc:
                add_errors(form, exc.reasons)
            else:
                flash(
                    gettext(
                        "Merci ! Un administrateur va examiner votre suggestion ; "
                        "vous recevrez sa réponse par e-mail."
                    ),
                    "success",
                )
                return redirect(url_for("suggestions.mine"), 303)
        checked = False
    else:
        form = CheckForm(request.args)
        checked = bool(request.args) and form.validate()
    duplicates = []
    if checked or (request.method == "POST" and form.name.data and not form.name.errors):
        duplicates = likely_duplicates(session, form.name.data, form.website.data, form.siren.data)
    page = render_template(
        "suggestions/suggest.html",
        form=form,
        checked=checked or request.method == "POST",
        duplicates=duplicates,
        why=WHY,
    )
    return page, 422 if form.errors or form.form_errors else 200


@bp.route("/mes-suggestions")
@verified_required
def mine():
    """The shopper's suggestions and what became of them (a link to review accepted ones)."""
    return render_template(
        "suggestions/mine.html", suggestions=services.mine(get_session(), current_user.id)
    )
