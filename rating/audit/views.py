"""Auditor pages: campaigns, draw, tests (form and CSV), preview, submit, approve, refuse."""

from datetime import UTC

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import func, select

from ..auth.access import role_required
from ..db import get_session, utcnow
from ..i18n import label, translate
from ..models import (
    AuditCampaign,
    AuditTest,
    CampaignCompany,
    Company,
    Methodology,
    Publication,
    Sector,
    User,
    UserRole,
)
from . import decisions, services
from .forms import (
    ActionForm,
    ApproveForm,
    AuditTestForm,
    CampaignForm,
    ImportForm,
    RefuseForm,
    add_errors,
    choices,
)
from .methodology import CHANNELS, known_versions
from .testrows import CSV_COLUMNS, measure_of

bp = Blueprint("audit", __name__)
MAX_CSV_BYTES = 2 * 1024 * 1024


def _campaign_form(session) -> CampaignForm:
    form = CampaignForm()
    versions = sorted(set(known_versions()) | set(session.scalars(select(Methodology.version))))
    form.methodology_version.choices = choices((v, v) for v in versions)
    form.sector_ids.choices = choices(
        (s.id, s.name) for s in session.scalars(select(Sector).order_by(Sector.name))
    )
    auditors = session.scalars(
        select(User)
        .join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == "auditor", User.id != current_user.id)
        .order_by(User.pseudonym)
    )
    form.auditor_ids.choices = choices((u.id, u.pseudonym) for u in auditors)
    return form


@bp.route("/audit", methods=["GET", "POST"])
@role_required("auditor")
def index():
    """Campaigns (to review first), and the form that creates a campaign and draws it."""
    session = get_session()
    form = _campaign_form(session)
    if form.validate_on_submit():
        draft = services.CampaignDraft(
            form.period.data,
            form.methodology_version.data,
            form.sector_ids.data,
            form.per_sector.data,
            form.auditor_ids.data,
            form.title.data or "",
            form.seed.data,
        )
        try:
            campaign = services.create_campaign(session, current_user, draft)
        except services.AuditRejected as exc:
            for message in add_errors(form, exc.reasons):
                flash(translate(message), "error")
        else:
            drawn = len(campaign.companies)
            flash(
                ngettext(
                    "Campagne créée : %(num)d entreprise tirée au sort (graine %(seed)s).",
                    "Campagne créée : %(num)d entreprises tirées au sort (graine %(seed)s).",
                    drawn,
                    seed=campaign.seed,
                ),
                "success",
            )
            return redirect(url_for("audit.campaign", campaign_id=campaign.id))
    campaigns = session.scalars(
        select(AuditCampaign).order_by(AuditCampaign.created_at.desc(), AuditCampaign.id.desc())
    ).all()
    status = 400 if form.errors else 200
    return render_template("audit/index.html", form=form, campaigns=campaigns), status


def _load(campaign_id: int) -> AuditCampaign:
    campaign = get_session().get(AuditCampaign, campaign_id)
    if campaign is None:
        abort(404)
    return campaign


def _test_forms(session, campaign, bound=None) -> dict:
    companies = session.execute(
        select(Company.id, Company.name)
        .join(CampaignCompany, CampaignCompany.company_id == Company.id)
        .where(CampaignCompany.campaign_id == campaign.id)
        .order_by(Company.name)
    ).all()
    forms = {}
    for channel in CHANNELS:
        form = (
            bound
            if bound and bound._prefix == f"{channel}-"
            else AuditTestForm(prefix=channel, formdata=None)
        )
        form.company_id.choices = choices(companies)
        forms[channel] = form
    return forms


def _render(campaign, *, status=200, test_form=None, import_errors=None, **forms):
    """The campaign page with every form (bound ones keep the input and errors)."""
    session = get_session()
    defaults = {
        "import_form": ImportForm(),
        "approve_form": ApproveForm(),
        "refuse_form": RefuseForm(),
        "action_form": ActionForm(),
    }
    defaults.update(forms)
    companies = session.execute(
        select(CampaignCompany.draw_rank, Company, Sector.name)
        .join(Company, Company.id == CampaignCompany.company_id)
        .join(Sector, Sector.id == Company.sector_id)
        .where(CampaignCompany.campaign_id == campaign.id)
        .order_by(CampaignCompany.draw_rank)
    ).all()
    tests = session.execute(
        select(AuditTest, Company.name, User.pseudonym)
        .join(Company, Company.id == AuditTest.company_id)
        .join(User, User.id == AuditTest.auditor_id)
        .where(AuditTest.campaign_id == campaign.id)
        .order_by(AuditTest.performed_at.desc(), AuditTest.id.desc())
    ).all()
    entered = session.scalar(
        select(func.count())
        .select_from(AuditTest)
        .where(AuditTest.campaign_id == campaign.id, AuditTest.auditor_id == current_user.id)
    )
    auditors = session.scalars(
        select(User).where(User.id.in_([a.user_id for a in campaign.auditors]))
    ).all()
    publications = session.scalars(
        select(Publication)
        .where(Publication.campaign_id == campaign.id)
        .order_by(Publication.sequence)
    ).all()
    can_review = (
        campaign.status == "submitted" and campaign.author_id != current_user.id and not entered
    )
    return render_template(
        "audit/campaign.html",
        campaign=campaign,
        companies=companies,
        tests=tests,
        auditors=auditors,
        publications=publications,
        preview=services.preview(session, campaign),
        test_forms=_test_forms(session, campaign, test_form),
        channel_names=CHANNELS,
        measure_of=measure_of,
        csv_columns=CSV_COLUMNS,
        import_errors=import_errors or [],
        can_edit=campaign.status == "draft" and services.is_assigned(campaign, current_user),
        can_review=can_review,
        author=session.get(User, campaign.author_id),
        **defaults,
    ), status


@bp.route("/audit/campaigns/<int:campaign_id>")
@role_required("auditor")
def campaign(campaign_id: int):
    """Draw, tests, grades preview and the decisions of one campaign."""
    return _render(_load(campaign_id))


def _refused(campaign, exc, form=None, field_form_key=None):
    """Show a service's refusal: field errors on the form, the rest as flashed messages."""
    if isinstance(exc, services.AuditForbidden):
        abort(403)
    loose = add_errors(form, exc.reasons) if form is not None else [m for _, m in exc.reasons]
    for message in loose:
        flash(translate(message), "error")
    extra = {field_form_key: form} if field_form_key else {}
    return _render(campaign, status=400, **extra)


@bp.route("/audit/campaigns/<int:campaign_id>/tests/<channel>", methods=["POST"])
@role_required("auditor")
def add_test(campaign_id: int, channel: str):
    campaign = _load(campaign_id)
    if channel not in CHANNELS:
        abort(404)
    if not services.is_assigned(campaign, current_user):
        abort(403)
    form = _test_forms(get_session(), campaign, AuditTestForm(prefix=channel))[channel]
    if not form.validate_on_submit():
        return _render(campaign, status=400, test_form=form)
    try:
        services.add_test(get_session(), campaign, current_user, form.draft(channel))
    except (services.AuditRejected, services.AuditForbidden) as exc:
        if isinstance(exc, services.AuditForbidden):
            abort(403)
        add_errors(form, exc.reasons)
        return _render(campaign, status=400, test_form=form)
    flash(
        _("Test %(channel)s enregistré.", channel=label(channel, "audit_channel").lower()),
        "success",
    )
    return redirect(url_for("audit.campaign", campaign_id=campaign.id, _anchor="saisie"))


@bp.route("/audit/campaigns/<int:campaign_id>/import", methods=["POST"])
@role_required("auditor")
def import_csv(campaign_id: int):
    campaign = _load(campaign_id)
    if not services.is_assigned(campaign, current_user):
        abort(403)
    form = ImportForm()
    if not form.validate_on_submit():
        return _render(campaign, status=400, import_form=form)
    raw = form.file.data.read(MAX_CSV_BYTES + 1)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        form.file.errors = ["Le fichier doit être encodé en UTF-8."]
        return _render(campaign, status=400, import_form=form)
    if len(raw) > MAX_CSV_BYTES:
        form.file.errors = ["Fichier trop volumineux (2 Mo au plus) : découpez-le."]
        return _render(campaign, status=400, import_form=form)
    try:
        count = services.import_tests(get_session(), campaign, current_user, text)
    except services.ImportRejected as exc:
        flash(
            ngettext(
                "Fichier refusé : %(num)d erreur, aucun test importé.",
                "Fichier refusé : %(num)d erreurs, aucun test importé.",
                len(exc.errors),
            ),
            "error",
        )
        return _render(campaign, status=400, import_form=form, import_errors=exc.errors)
    except (services.AuditRejected, services.AuditForbidden) as exc:
        return _refused(campaign, exc)
    flash(ngettext("%(num)d test importé.", "%(num)d tests importés.", count), "success")
    return redirect(url_for("audit.campaign", campaign_id=campaign.id))


@bp.route("/audit/campaigns/<int:campaign_id>/tests/<int:test_id>/delete", methods=["POST"])
@role_required("auditor")
def delete_test(campaign_id: int, test_id: int):
    campaign = _load(campaign_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        services.delete_test(get_session(), campaign, current_user, test_id)
    except (services.AuditRejected, services.AuditForbidden) as exc:
        return _refused(campaign, exc)
    flash(_("Test supprimé."), "success")
    return redirect(url_for("audit.campaign", campaign_id=campaign.id))


@bp.route("/audit/campaigns/<int:campaign_id>/<any(submit, reopen):action>", methods=["POST"])
@role_required("auditor")
def simple_action(campaign_id: int, action: str):
    """Submit for approval, or reopen a published campaign to prepare a correction."""
    campaign = _load(campaign_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    use_case = decisions.submit_campaign if action == "submit" else decisions.reopen_campaign
    try:
        use_case(get_session(), campaign, current_user)
    except (services.AuditRejected, services.AuditForbidden) as exc:
        return _refused(campaign, exc)
    flash(
        "Campagne soumise : un second auditeur doit l'approuver."
        if action == "submit"
        else "Campagne rouverte pour correction ; la publication actuelle reste en ligne.",
        "success",
    )
    return redirect(url_for("audit.campaign", campaign_id=campaign.id))


@bp.route("/audit/campaigns/<int:campaign_id>/approve", methods=["POST"])
@role_required("auditor")
def approve(campaign_id: int):
    """Four-eyes approval: publishes the grades."""
    campaign = _load(campaign_id)
    form = ApproveForm()
    if not form.validate_on_submit():
        return _render(campaign, status=400, approve_form=form)
    try:
        publication = decisions.approve_campaign(
            get_session(), campaign, current_user, form.correction_reason.data or ""
        )
    except (services.AuditRejected, services.AuditForbidden) as exc:
        return _refused(campaign, exc, form, "approve_form")
    flash(_("Publication n° %(sequence)s en ligne.", sequence=publication.sequence), "success")
    return redirect(url_for("audit.campaign", campaign_id=campaign.id))


@bp.route("/audit/campaigns/<int:campaign_id>/refuse", methods=["POST"])
@role_required("auditor")
def refuse(campaign_id: int):
    """Send back to the author with a comment."""
    campaign = _load(campaign_id)
    form = RefuseForm()
    if not form.validate_on_submit():
        return _render(campaign, status=400, refuse_form=form)
    try:
        decisions.refuse_campaign(get_session(), campaign, current_user, form.comment.data)
    except (services.AuditRejected, services.AuditForbidden) as exc:
        return _refused(campaign, exc, form, "refuse_form")
    flash(_("Campagne renvoyée à son auteur avec votre commentaire."), "success")
    return redirect(url_for("audit.campaign", campaign_id=campaign.id))


@bp.app_template_filter("atom_date")
def atom_date(value) -> str:
    """RFC 3339 in UTC for Atom (now when there is nothing yet)."""
    return (value or utcnow()).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
