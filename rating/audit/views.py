"""Auditor pages: campaigns, draw, tests (form and CSV), preview, submit, approve, refuse.

Routes only: the reads come from queries, the rules and changes from services and decisions.
"""

from datetime import UTC

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from ..auth.access import role_required
from ..db import clamp_page, get_session, utcnow
from ..forms import EmptyForm, add_errors, choices
from ..i18n import label, translate
from ..models import AuditCampaign
from ..msgids import N_
from . import decisions, queries, services
from .forms import ApproveForm, AuditTestForm, CampaignForm, ImportForm, RefuseForm
from .methodology import CHANNELS
from .signing import SigningKeyMissing
from .testrows import CSV_COLUMNS, measure_of

bp = Blueprint("audit", __name__)
NOT_SUBMITTED = N_("Seule une campagne soumise, en attente d'approbation, peut être publiée.")


def _campaign_form() -> CampaignForm:
    form, options = CampaignForm(), queries.campaign_form_options(get_session(), current_user)
    form.methodology_version.choices = choices(options.versions)
    form.sector_ids.choices = choices(options.sectors)
    form.auditor_ids.choices = choices(options.auditors)
    return form


@bp.route("/audit", methods=["GET", "POST"])
@role_required("auditor")
def index():
    """Campaigns (to review first), and the form that creates a campaign and draws it."""
    form = _campaign_form()
    if form.validate_on_submit():
        try:
            campaign = services.create_campaign(get_session(), current_user, form.draft())
        except services.AuditRejected as exc:
            for message in add_errors(form, exc.reasons, form_level=False):
                flash(message, "error")
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
    campaigns = queries.campaigns(get_session(), current_user)
    status = 400 if form.errors else 200
    return render_template("audit/index.html", form=form, campaigns=campaigns), status


def _load(campaign_id: int) -> AuditCampaign:
    """The campaign of every route below, 404 when unknown or a draft of other auditors."""
    campaign = get_session().get(AuditCampaign, campaign_id)
    if campaign is None or not services.can_see(campaign, current_user):
        abort(404)
    return campaign


def _test_forms(company_choices, bound=None) -> dict:
    """One blank test form per channel, or the `bound` one for its channel."""
    forms = {}
    for channel in CHANNELS:
        form = (
            bound
            if bound and bound._prefix == f"{channel}-"
            else AuditTestForm(prefix=channel, formdata=None)
        )
        form.company_id.choices = choices(company_choices)
        forms[channel] = form
    return forms


def _render(campaign, *, status=200, test_form=None, import_errors=None, **forms):
    """The campaign page with every form (bound ones keep the input and errors)."""
    tests_page = clamp_page(request.args.get("page", 1, type=int))
    page = queries.campaign_page(get_session(), campaign, current_user, tests_page)
    blank = {
        "import_form": ImportForm(),
        "refuse_form": RefuseForm(),
        "action_form": EmptyForm(),
    }
    return render_template(
        "audit/campaign.html",
        **vars(page),
        test_forms=_test_forms(page.company_choices, test_form),
        channel_names=CHANNELS,
        measure_of=measure_of,
        csv_columns=CSV_COLUMNS,
        import_errors=import_errors or [],
        **(blank | forms),
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
    loose = (
        add_errors(form, exc.reasons, form_level=False)
        if form is not None
        else [m for _, m in exc.reasons]
    )
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
    company_choices = queries.campaign_company_choices(get_session(), campaign.id)
    form = _test_forms(company_choices, AuditTestForm(prefix=channel))[channel]
    if not form.validate_on_submit():
        return _render(campaign, status=400, test_form=form)
    try:
        services.add_test(get_session(), campaign, current_user, form.draft(channel))
    except (services.AuditRejected, services.AuditForbidden) as exc:
        return _refused(campaign, exc, form, "test_form")
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
    text = form.text() if form.validate_on_submit() else None
    if text is None:
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
    if not EmptyForm().validate_on_submit():
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
    if not EmptyForm().validate_on_submit():
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


def _confirmation(campaign, form, status=200, told=False):
    """The page that shows what approval publishes and says it is permanent. When this
    auditor may not approve now: the reasons, on the campaign page (a 400 after a POST)."""
    page = queries.approval_page(get_session(), campaign, current_user)
    if campaign.status != "submitted" or page.problems:
        for problem in [] if told else page.problems or [NOT_SUBMITTED]:
            flash(translate(problem), "error")
        if request.method == "GET":
            return redirect(url_for("audit.campaign", campaign_id=campaign.id, _anchor="decisions"))
        return _render(campaign, status=400)
    return render_template(
        "audit/confirm.html", **vars(page), form=form, channel_names=CHANNELS
    ), status


@bp.route("/audit/campaigns/<int:campaign_id>/approve")
@role_required("auditor")
def confirm_approval(campaign_id: int):
    """Four-eyes approval, first step: what will be published, for good."""
    return _confirmation(_load(campaign_id), ApproveForm(formdata=None))


@bp.route("/audit/campaigns/<int:campaign_id>/approve", methods=["POST"])
@role_required("auditor")
def approve(campaign_id: int):
    """Four-eyes approval, confirmed: publishes the grades."""
    campaign = _load(campaign_id)
    form = ApproveForm()
    if not form.validate_on_submit():
        return _confirmation(campaign, form, status=400)
    try:
        publication = decisions.approve_campaign(
            get_session(), campaign, current_user, form.correction_reason.data or ""
        )
    except (services.AuditRejected, SigningKeyMissing) as exc:
        for message in add_errors(form, exc.reasons, form_level=False):
            flash(message, "error")
        return _confirmation(campaign, form, status=400, told=True)
    except services.AuditForbidden:
        abort(403)
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
