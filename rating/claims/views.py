"""Claim a company, its team of representatives, colleague invitations, its declared profile.

Company pages under /dashboard/<slug>/… answer 403 to anyone but an active representative
of that company, 404 for an unknown slug; anonymous visitors are sent to /login.
"""

import logging

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from ..auth.access import verified_required
from ..db import get_session
from ..forms import EmptyForm, add_errors
from ..i18n import translate
from ..models import Company
from ..security import client_ip, limiter
from . import links, profile, queries, rules, services
from .declared import BLANK_ROWS, MAX_CONTACT_CENTRES, MAX_CONTACT_POINTS
from .forms import ClaimForm, InviteForm, ProfileForm

bp = Blueprint("claims", __name__)
security_log = logging.getLogger("rating.security")


def _user_key() -> str:
    """Limits count per account (per address before sign-in)."""
    if current_user.is_authenticated:
        return f"user:{current_user.id}"
    return f"ip:{client_ip()}"


def posting_limit(limits: str):
    """Rate-limit the POSTs of a route; only those that succeed (a redirect) count."""
    return limiter.limit(
        limits,
        key_func=_user_key,
        methods=["POST"],
        deduct_when=lambda response: response.status_code in (302, 303),
    )


def company_or_404(slug: str) -> Company:
    return get_session().scalar(select(Company).where(Company.slug == slug)) or abort(404)


def represented_or_403(slug: str) -> Company:
    """The company of `slug` if the signed-in user is one of its active representatives."""
    company = company_or_404(slug)
    if company.id not in current_user.represented_company_ids():
        security_log.warning(
            "authorisation refused: user #%s is not a representative of company #%s for %s %s",
            current_user.id, company.id, request.method, request.endpoint,
        )  # fmt: skip
        abort(403)
    return company


@bp.route("/companies/<slug>/claim", methods=["GET", "POST"])
@verified_required
@posting_limit("10/day")
def claim(slug: str):
    """Ask to represent the company: at once with an address at its domain, else queued."""
    session, company = get_session(), company_or_404(slug)
    status = queries.claim_status(session, current_user.id, company.id)
    form = ClaimForm()
    if form.validate_on_submit():
        try:
            membership = services.claim_company(
                session, current_user, company, form.justification.data or ""
            )
        except services.ClaimRejected as exc:
            add_errors(form, exc.reasons)
        else:
            if membership.status == "active":
                flash(_("Vous représentez maintenant %(name)s.", name=company.name), "success")
                return redirect(url_for("claims.team", slug=company.slug), 303)
            flash(_("Votre demande est enregistrée : un administrateur va l'examiner."), "success")
            return redirect(url_for("companies.detail", slug=company.slug), 303)
    method = rules.claim_method(current_user.email, company.website_domain, status)
    context = {"company": company, "form": form, "method": method, "status": status}
    blocked = rules.existing_claim_message(status) or services.representation_problem(
        session, current_user, company
    )
    context["blocked"] = translate(blocked or "")
    return render_template("claims/claim.html", **context), 422 if form.errors else 200


def _team_page(company: Company, invite_form: InviteForm, code: int = 200):
    active, pending = queries.team(get_session(), company.id)
    return render_template(
        "claims/team.html",
        company=company,
        active=active,
        pending=pending,
        invite_form=invite_form,
        leave_form=EmptyForm(),
        days=rules.INVITATION_DAYS,
    ), code


@bp.route("/dashboard/<slug>/team")
@login_required
def team(slug: str):
    """The company's active representatives, its pending claims, and the invitation form."""
    return _team_page(represented_or_403(slug), InviteForm())


@bp.route("/dashboard/<slug>/team/invite", methods=["POST"])
@login_required
@posting_limit("30/day;5/minute")
def invite(slug: str):
    """Mail a colleague a signed link, valid 7 days, to join the company's team."""
    session, company = get_session(), represented_or_403(slug)
    form = InviteForm()
    if form.validate_on_submit():
        try:
            services.invite_colleague(session, current_user, company, form.email.data)
        except services.ClaimRejected as exc:
            add_errors(form, exc.reasons)
        else:
            flash(_("Invitation envoyée à %(email)s.", email=form.email.data), "success")
            return redirect(url_for("claims.team", slug=company.slug), 303)
    return _team_page(company, form, 422)


@bp.route("/dashboard/<slug>/team/leave", methods=["POST"])
@login_required
def leave(slug: str):
    """Stop representing the company (a new claim or invitation can bring the user back)."""
    session, company = get_session(), represented_or_403(slug)
    if not EmptyForm().validate_on_submit():
        abort(400)
    services.leave_company(session, current_user, company)
    flash(_("Vous ne représentez plus %(name)s.", name=company.name), "success")
    return redirect(url_for("companies.detail", slug=company.slug), 303)


def _invitation_error(company: Company, message: str, code: int):
    page = render_template("claims/invitation.html", company=company, error=translate(message))
    return page, code


@bp.route("/companies/<slug>/join/<token>", methods=["GET", "POST"])
@verified_required
def accept_invitation(slug: str, token: str):
    """A colleague's invitation: the signed-in user with the invited address joins the team."""
    session, company = get_session(), company_or_404(slug)
    try:
        invitation = links.read_invitation(token)
    except links.InvitationExpired:
        return _invitation_error(company, INVITATION_EXPIRED, 410)
    except links.InvitationInvalid:
        return _invitation_error(company, INVITATION_INVALID, 400)
    if invitation.company_id != company.id:
        return _invitation_error(company, INVITATION_INVALID, 400)
    problem = services.invitation_problem(session, current_user, invitation)
    if problem:
        security_log.info("invitation refused user #%s company #%s", current_user.id, company.id)
        return _invitation_error(company, problem, 403)
    form = EmptyForm()
    if not form.validate_on_submit():
        return render_template("claims/invitation.html", company=company, form=form, error=None)
    joined = services.accept_invitation(session, current_user, invitation)
    flash(
        _("Vous représentez maintenant %(name)s.", name=company.name)
        if joined
        else _(rules.ALREADY_ACTIVE)
    )
    return redirect(url_for("claims.team", slug=company.slug), 303)


INVITATION_EXPIRED = (
    f"Ce lien d'invitation a expiré : il n'est valable que {rules.INVITATION_DAYS} jours. "
    "Demandez une nouvelle invitation à un représentant de l'entreprise."
)
INVITATION_INVALID = (
    "Ce lien d'invitation n'est pas valide : il a peut-être été mal copié. Ouvrez le lien "
    "complet reçu par e-mail, ou demandez une nouvelle invitation."
)


def _profile_rows(company: Company) -> dict:
    """Initial data of the profile form: every declared row, then BLANK_ROWS empty ones."""
    points = list(company.contact_points)
    centres = list(company.contact_centres)
    blank_points = max(0, min(BLANK_ROWS, MAX_CONTACT_POINTS - len(points)))
    blank_centres = max(0, min(BLANK_ROWS, MAX_CONTACT_CENTRES - len(centres)))
    return {
        "description": company.description,
        "mediator_name": company.mediator_name,
        "mediator_url": company.mediator_url,
        "contact_points": points + [{}] * blank_points,
        "contact_centres": centres + [{}] * blank_centres,
    }


@bp.route("/dashboard/<slug>/profile", methods=["GET", "POST"], endpoint="profile")
@login_required
@posting_limit("60/hour")
def profile_page(slug: str):
    """What the company declares: description, contact points, centres, mediator."""
    session, company = get_session(), represented_or_403(slug)
    posted = request.method == "POST"
    form = ProfileForm() if posted else ProfileForm(data=_profile_rows(company))
    if form.validate_on_submit():
        try:
            changes = profile.update_profile(session, current_user, company, form.to_input())
        except services.ClaimRejected as exc:
            add_errors(form, exc.reasons)
        else:
            if changes:
                flash(_("Vos déclarations sont enregistrées et publiées."), "success")
            else:
                flash(_("Aucune modification : rien n'a été enregistré."), "info")
            return redirect(url_for("claims.profile", slug=company.slug), 303)
    history = queries.declaration_history(session, company.id)
    page = render_template("claims/profile.html", company=company, form=form, history=history)
    return page, 422 if form.errors or form.form_errors else 200
