"""Administrators: the claims queue (accept, refuse with a reason) and representatives (revoke)."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user

from rating.msgids import N_

from ..auth.access import role_required
from ..db import get_session
from ..forms import add_errors
from ..models import Membership
from . import queries, services
from .forms import DecisionForm, RevokeForm
from .rules import STATUS_LABELS
from .views import bp, company_or_404

DONE = {
    "accept": N_("Demande acceptée : %(name)s représente maintenant %(company)s."),
    "refuse": N_("Demande refusée ; %(name)s en est informé par e-mail avec le motif."),
    "revoke": N_("Accès retiré ; %(name)s en est informé par e-mail avec le motif."),
}


def _done(decision: str, membership: Membership) -> None:
    name, company = membership.user.display_name, membership.company.name
    flash(gettext(DONE[decision], name=name, company=company), "success")


@bp.route("/admin/claims")
@role_required("admin")
def admin_queue():
    """Pending claims, the oldest first, and the companies that have representatives."""
    session = get_session()
    return render_template(
        "claims/admin_queue.html",
        items=queries.claims_queue(session),
        companies=queries.represented_companies(session),
        form=DecisionForm(formdata=None),
    )


@bp.route("/admin/claims/<int:membership_id>", methods=["GET", "POST"])
@role_required("admin")
def admin_decide(membership_id: int):
    """Accept or refuse one claim; a refusal needs a reason, mailed to the person."""
    session = get_session()
    membership = session.get(Membership, membership_id) or abort(404)
    form = DecisionForm()
    if form.validate_on_submit():
        try:
            services.decide_claim(
                session, membership, current_user, form.decision.data or "", form.reason.data
            )
        except services.NotAllowed:
            abort(403)
        except services.ClaimRejected as exc:
            add_errors(form, exc.reasons)
        else:
            _done(form.decision.data, membership)
            return redirect(url_for("claims.admin_queue"), 303)
    item = queries.pending_claim(session, membership.id)
    page = render_template(
        "claims/admin_decide.html",
        item=item,
        membership=membership,
        membership_status=STATUS_LABELS.get(membership.status, membership.status),
        form=form,
    )
    return page, 422 if form.errors or form.form_errors else 200


@bp.route("/admin/companies/<slug>/representatives")
@role_required("admin")
def admin_representatives(slug: str):
    """Everyone who represents, represented or claimed the company, with the decisions."""
    company = company_or_404(slug)
    return render_template(
        "claims/admin_representatives.html",
        company=company,
        members=queries.representatives(get_session(), company.id),
        form=RevokeForm(formdata=None),
    )


@bp.route(
    "/admin/companies/<slug>/representatives/<int:membership_id>/revoke",
    methods=["GET", "POST"],
)
@role_required("admin")
def admin_revoke(slug: str, membership_id: int):
    """Withdraw a representative's access, with a reason mailed to them."""
    session, company = get_session(), company_or_404(slug)
    membership = session.get(Membership, membership_id)
    if membership is None or membership.company_id != company.id:
        abort(404)
    form = RevokeForm()
    if form.validate_on_submit():
        try:
            services.decide_claim(session, membership, current_user, "revoke", form.reason.data)
        except services.NotAllowed:
            abort(403)
        except services.ClaimRejected as exc:
            add_errors(form, exc.reasons)
        else:
            _done("revoke", membership)
            return redirect(url_for("claims.admin_representatives", slug=company.slug), 303)
    code = 422 if request.method == "POST" else 200
    page = render_template(
        "claims/admin_revoke.html", company=company, membership=membership, form=form
    )
    return page, code
