"""Review pages: write, edit, withdraw, reply, report; a company's reviews and community score."""

from datetime import date

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from rating import pagecache
from rating.auth.access import verified_required
from rating.db import clamp_page, get_session, utcnow
from rating.forms import EmptyForm, add_errors
from rating.i18n import translate
from rating.models import Company, Review
from rating.models.review import LIVE_STATUSES
from rating.security import client_ip, keyed_hash, limiter, network_prefix, site_url_for

from . import community, invitations, replies, reports, rules, services, signals
from .forms import (
    FilterForm,
    InvitationForm,
    ReplyForm,
    ReportForm,
    ReviewForm,
    SolvedForm,
)
from .services import NotAllowed, ReviewRefused, ReviewRejected

bp = Blueprint("reviews", __name__)


def user_key() -> str:
    """Rate limits count per account (per address before sign-in)."""
    if current_user.is_authenticated:
        return f"user:{current_user.id}"
    return f"ip:{client_ip()}"


def _succeeded(response) -> bool:
    # Only what was really posted counts: a form sent back with errors costs nothing.
    return response.status_code in (302, 303)


def posting_limit(limits: str):
    return limiter.limit(limits, key_func=user_key, methods=["POST"], deduct_when=_succeeded)


def review_form_valid(form: ReviewForm) -> bool:
    """Shape first; when it fails, still show every rule the draft breaks, each on its field."""
    if form.validate_on_submit():
        return True
    if form.is_submitted():
        draft = services.masked(form.to_draft())
        errors = rules.check_draft(draft, date.today())
        add_errors(form, [(f, m) for f, m in errors if not (f in form and form[f].errors)])
    return False


def _form_page(form: ReviewForm, company: Company, review: Review | None):
    """The review form; 422 when it comes back with errors (bad input is a 4xx)."""
    page = render_template("reviews/form.html", form=form, company=company, review=review)
    return page, 422 if form.errors or form.form_errors else 200


def company_or_404(slug: str) -> Company:
    return get_session().scalar(select(Company).where(Company.slug == slug)) or abort(404)


def review_or_404(review_id: int, *, public=False) -> Review:
    review = get_session().get(Review, review_id) or abort(404)
    if public and review.status != "published":
        abort(404)
    return review


def company_url(company: Company) -> str:
    return url_for("companies.detail", slug=company.slug) + "#avis"


@bp.app_context_processor
def review_labels() -> dict:
    """French labels of codes stored on reviews, for every template."""
    return {
        "signal_label": lambda code: translate(signals.LABELS.get(code, code)),
    }


def _refused(company: Company, message: str):
    return render_template("reviews/refused.html", company=company, message=translate(message)), 403


def _to_survivor(session, company: Company, endpoint: str):
    """301 to the same page of the company `company` was merged into (rating.admin.merge)."""
    survivor = session.get(Company, company.merged_into_id)
    return redirect(url_for(endpoint, slug=survivor.slug, **request.args), 301)


def _held_message(verdict) -> str:
    labels = ", ".join(translate(signal.label).lower() for signal in verdict.signals)
    return _(
        "Merci. Votre avis sera vérifié par un modérateur avant publication (%(labels)s), "
        "sous 7 jours au plus.",
        labels=labels,
    )


@bp.route("/companies/<slug>/review", methods=["GET", "POST"])
@verified_required
@posting_limit("5/day;1/minute")
def new(slug: str):
    """Write a review of the company (one live review per shopper and company)."""
    session, company = get_session(), company_or_404(slug)
    if company.merged_into_id is not None and request.method == "GET":
        return _to_survivor(session, company, "reviews.new")
    ineligible = services.eligibility(session, current_user, company)
    if ineligible is not None and ineligible.existing is not None:
        flash(translate(ineligible.message), "info")
        return redirect(url_for("reviews.edit", review_id=ineligible.existing.id))
    if ineligible is not None:
        return _refused(company, ineligible.message)
    form = ReviewForm(invitation=request.args.get("invitation", ""))
    if review_form_valid(form):
        network = network_prefix(client_ip())
        try:
            review, verdict = services.submit_review(
                session, current_user, company, form.to_draft(),
                ip_key=keyed_hash(client_ip()), network_key=keyed_hash(network),
                invitation_token=form.invitation.data or None,
            )  # fmt: skip
        except ReviewRefused as exc:
            return _refused(company, exc.message)
        except ReviewRejected as exc:
            add_errors(form, exc.reasons)
        else:
            published = review.status == "published"
            flash(_("Merci, votre avis est publié.") if published else _held_message(verdict))
            return redirect(url_for("reviews.show", review_id=review.id))
    return _form_page(form, company, None)


@bp.route("/reviews/<int:review_id>")
def show(review_id: int):
    """One review; its author also sees it while pending, with the reasons of the hold."""
    review = review_or_404(review_id)
    is_author = current_user.is_authenticated and current_user.id == review.author_id
    if review.status != "published" and not is_author:
        abort(404)
    return render_template(
        "reviews/show.html",
        card=community.card(review),
        company=review.company,
        is_author=is_author,
        withdraw_form=EmptyForm(),
        solved_form=SolvedForm(solved={True: "yes", False: "no"}.get(review.solved_after_reply)),
    )


@bp.route("/reviews/<int:review_id>/edit", methods=["GET", "POST"])
@login_required
def edit(review_id: int):
    """Edit one's own live review; earlier versions are kept."""
    session, review = get_session(), review_or_404(review_id)
    if review.author_id != current_user.id:
        abort(403)
    if review.status not in LIVE_STATUSES:
        flash(_("Cet avis n'est plus en ligne : il ne peut plus être modifié."), "error")
        return redirect(url_for("reviews.show", review_id=review.id))
    form = ReviewForm()
    if request.method == "GET":
        form.fill_from(review)
    elif review_form_valid(form):
        try:
            verdict = services.edit_review(session, review, current_user, form.to_draft())
        except ReviewRefused as exc:
            return _refused(review.company, exc.message)
        except ReviewRejected as exc:
            add_errors(form, exc.reasons)
        else:
            if review.status == "published":
                flash(_("Votre avis est modifié."))
            elif verdict.signals:
                flash(_held_message(verdict))
            else:
                flash(_("Votre avis est modifié ; il reste en attente de modération."))
            return redirect(url_for("reviews.show", review_id=review.id))
    return _form_page(form, review.company, review)


@bp.route("/reviews/<int:review_id>/withdraw", methods=["POST"])
@login_required
def withdraw(review_id: int):
    session, review = get_session(), review_or_404(review_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        services.withdraw_review(session, review, current_user)
    except NotAllowed:
        abort(403)
    except ReviewRejected as exc:
        flash(translate(exc.reasons[0][1]), "error")
    else:
        flash(_("Votre avis est retiré. Il n'apparaît plus et ne compte plus dans la note."))
    return redirect(url_for("reviews.mine"))


@bp.route("/reviews/<int:review_id>/solved", methods=["POST"])
@login_required
def solved(review_id: int):
    """After the company's reply, the author says whether the problem is now solved."""
    session, review = get_session(), review_or_404(review_id, public=True)
    if review.author_id != current_user.id:
        abort(403)  # access first: a stranger learns nothing from the form's checks
    form = SolvedForm()
    if not form.validate_on_submit() or form.solved.data not in ("yes", "no"):
        flash(_("Répondez par oui ou par non."), "error")
        return redirect(url_for("reviews.show", review_id=review.id))
    try:
        services.set_solved_after_reply(session, review, current_user, form.solved.data == "yes")
    except NotAllowed:
        abort(403)
    except ReviewRejected as exc:
        flash(translate(exc.reasons[0][1]), "error")
    else:
        flash(_("Merci, c'est noté."))
    return redirect(url_for("reviews.show", review_id=review.id))


@bp.route("/reviews/<int:review_id>/reply", methods=["GET", "POST"])
@login_required
@posting_limit("60/hour")
def reply(review_id: int):
    """A representative of the review's company writes or edits its public reply."""
    session, review = get_session(), review_or_404(review_id, public=True)
    if not replies.can_reply(session, current_user, review):
        abort(403)
    existing = review.reply
    form = ReplyForm(obj=existing if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            if existing is None:
                replies.reply_to_review(session, review, current_user, form.body.data or "")
            else:
                replies.edit_reply(session, existing, current_user, form.body.data or "")
        except ReviewRejected as exc:
            add_errors(form, exc.reasons)
        else:
            flash(_("La réponse est publiée."))
            # A fixed choice, never a URL: the dashboard's forms send next=dashboard.
            if request.values.get("next") == "dashboard":
                target = url_for("dashboard.company", slug=review.company.slug)
                return redirect(target + "#a-repondre")
            return redirect(url_for("reviews.show", review_id=review.id))
    return render_template("reviews/reply.html", form=form, card=community.card(review))


@bp.route("/reviews/<int:review_id>/report", methods=["GET", "POST"])
@verified_required
@posting_limit("20/day")
def report(review_id: int):
    """Report a review to the moderators (a representative may state a doubt on authenticity)."""
    session, review = get_session(), review_or_404(review_id, public=True)
    if review.author_id == current_user.id:
        abort(403)
    form = ReportForm()
    if form.validate_on_submit():
        try:
            reports.report_review(
                session, review, current_user, form.reason.data, form.comment.data or ""
            )
        except ReviewRejected as exc:
            add_errors(form, exc.reasons)
        else:
            flash(_("Merci : la modération examinera ce signalement sous 7 jours au plus."))
            return redirect(url_for("reviews.show", review_id=review.id))
    return render_template("reviews/report.html", form=form, card=community.card(review))


@bp.route("/companies/<slug>/invitations", methods=["GET", "POST"])
@login_required
@limiter.limit("30/hour", key_func=user_key, methods=["POST"])
def invitations_page(slug: str):
    """A representative creates single-use invitation links (one, or a CSV batch)."""
    session, company = get_session(), company_or_404(slug)
    if company.id not in current_user.represented_company_ids():
        abort(403)
    form = InvitationForm()
    if not form.validate_on_submit():
        return render_template("reviews/invitations.html", form=form, company=company, link=None)
    lines = [line.strip() for line in (form.references.data or "").splitlines() if line.strip()]
    batch = utcnow().strftime("%Y%m%d-%H%M%S") if len(lines) > 1 else None
    try:
        created = invitations.create_invitations(
            session, company, current_user, lines or [""], batch=batch
        )
    except ReviewRejected as exc:
        add_errors(form, exc.reasons)
        page = render_template("reviews/invitations.html", form=form, company=company, link=None)
        return page, 422

    def link(token: str) -> str:
        return site_url_for("reviews.new", slug=company.slug, invitation=token)

    if len(created) == 1:
        return render_template(
            "reviews/invitations.html", form=InvitationForm(formdata=None), company=company,
            link=link(created[0][1]),
        )  # fmt: skip
    return Response(
        invitations.invitations_csv(created, link),
        mimetype="text/csv",
        headers={"Content-Disposition": f"attachment; filename=invitations-{batch}.csv"},
    )


@bp.route("/mes-avis")
@login_required
def mine():
    """The signed-in user's reviews, with their state and, when refused, the reason.

    Kept in the page cache per author and stamp (rating.pagecache fragment): the stamp is
    the page's own rows read in one statement (community.rows_stamp), so a change shows at
    once, and an unchanged page costs that statement and no render."""
    session, author_id = get_session(), current_user.id
    rows = community.my_review_rows(session, author_id)

    def render():
        reviews = community.my_reviews(session, rows)
        decided = [r.id for r in reviews if r.status in ("rejected", "removed")]
        grounds = community.decision_grounds(session, decided) if decided else {}
        return render_template("reviews/mine.html", reviews=reviews, grounds=grounds)

    stamp = (author_id, community.rows_stamp(rows))
    return pagecache.serve("mes-avis", stamp, render, viewer=dict)


@bp.route("/companies/<slug>/avis")
def company_reviews(slug: str):
    """The company's reviews and community score on their own page (also in the company page)."""
    session, company = get_session(), company_or_404(slug)
    if company.merged_into_id is not None:
        return _to_survivor(session, company, "reviews.company_reviews")
    form = FilterForm(request.args)
    summary = community.community_summary(session, company.id)
    page = clamp_page(request.args.get("page", 1, type=int))
    return render_template(
        "reviews/company.html",
        company=company,
        community=summary,
        reviews_page=community.reviews_page(session, company.id, form.filters(), page, summary),
        review_filters=form,
        review_params={"slug": company.slug, **form.params()},
        represented=current_user.represented_company_ids()
        if current_user.is_authenticated
        else set(),
    )
