"""/admin/suggestions (administrators only): accept one, creating the company, or refuse it."""

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext
from flask_login import current_user
from sqlalchemy import select

from ..admin.company_views import _sector_choices, draft_of
from ..admin.forms import CompanyForm, RefuseForm
from ..admin.views import NOT_DONE, attempt
from ..auth.access import role_required
from ..db import get_session
from ..forms import EmptyForm
from ..models import Suggestion
from . import services, sirene_lookup
from .duplicates import WHY, likely_duplicates
from .views import bp

DECIDED_SHOWN = 20


@bp.route("/admin/suggestions")
@role_required("admin")
def admin_list():
    """Pending suggestions, the oldest first, then the latest decisions."""
    session = get_session()
    pending = session.scalars(
        select(Suggestion)
        .where(Suggestion.status == "pending")
        .order_by(Suggestion.created_at, Suggestion.id)
    ).all()
    decided = session.scalars(
        select(Suggestion)
        .where(Suggestion.status != "pending")
        .order_by(Suggestion.decided_at.desc(), Suggestion.id.desc())
        .limit(DECIDED_SHOWN)
    ).all()
    return render_template("admin/suggestions.html", pending=pending, decided=decided)


def _typed(suggestion: Suggestion) -> dict:
    """The accept form as the shopper's suggestion fills it."""
    return {
        "name": suggestion.name,
        "legal_name": suggestion.name,
        "siren": suggestion.siren or "",
        "website_domain": suggestion.website_domain or "",
    }


def _suggestion_page(suggestion: Suggestion, sirene=None, **forms):
    session = get_session()
    if "accept_form" not in forms:
        data = _typed(suggestion)
        forms["accept_form"] = _sector_choices(CompanyForm(formdata=None, data=data))
    forms.setdefault("refuse_form", RefuseForm(formdata=None))
    forms.setdefault("sirene_form", EmptyForm(formdata=None))
    duplicates = likely_duplicates(
        session, suggestion.name, suggestion.website_domain, suggestion.siren
    )
    failed = any(f.errors or f.form_errors for f in forms.values())
    page = render_template(
        "admin/suggestion.html",
        suggestion=suggestion,
        duplicates=duplicates,
        why=WHY,
        sirene=sirene,
        **forms,
    )
    return page, 422 if failed else 200


def _suggestion_or_404(suggestion_id: int) -> Suggestion:
    return get_session().get(Suggestion, suggestion_id) or abort(404)


@bp.route("/admin/suggestions/<int:suggestion_id>")
@role_required("admin")
def admin_show(suggestion_id: int):
    """One suggestion with its likely duplicates and the two decisions."""
    return _suggestion_page(_suggestion_or_404(suggestion_id))


@bp.route("/admin/suggestions/<int:suggestion_id>/accept", methods=["POST"])
@role_required("admin")
def admin_accept(suggestion_id: int):
    """Create the company from the checked fields; the shopper is mailed a link to review it."""
    item = _suggestion_or_404(suggestion_id)
    form = _sector_choices(CompanyForm())
    company = attempt(
        form, lambda: services.accept_suggestion(get_session(), current_user, item, draft_of(form))
    )
    if company is not NOT_DONE:
        flash(
            gettext(
                "Suggestion acceptée : %(name)s est créée et la personne prévenue.",
                name=company.name,
            ),
            "success",
        )
        return redirect(url_for("suggestions.admin_list"), 303)
    return _suggestion_page(item, accept_form=form)


@bp.route("/admin/suggestions/<int:suggestion_id>/refuse", methods=["POST"])
@role_required("admin")
def admin_refuse(suggestion_id: int):
    """Refuse with a reason, mailed to the shopper."""
    item = _suggestion_or_404(suggestion_id)
    form = RefuseForm()
    done = attempt(
        form,
        lambda: services.refuse_suggestion(get_session(), current_user, item, form.reason.data),
    )
    if done is not NOT_DONE:
        flash(gettext("Suggestion refusée ; la personne reçoit le motif."), "success")
        return redirect(url_for("suggestions.admin_list"), 303)
    return _suggestion_page(item, refuse_form=form)


def _sirene_notes(found: sirene_lookup.Lookup, path, has_sector: bool) -> list[str]:
    """What the page says of a lookup, in the reader's language."""
    unit = found.unit
    notes = [
        gettext(
            sirene_lookup.MESSAGES[found.problem],
            path=str(path),
            detail=found.detail,
            name=unit.name if unit else "",
        )
    ]
    if found.problem is None and not has_sector:
        notes.append(gettext(sirene_lookup.NO_SECTOR, naf=unit.naf or "—"))
    return notes


@bp.route("/admin/suggestions/<int:suggestion_id>/sirene", methods=["POST"])
@role_required("admin")
def admin_sirene(suggestion_id: int):
    """Pre-fill the accept form from this host's SIRENE stock file (a button: reading the
    file may take long, so no page view does it); the page says what was found or why not."""
    item = _suggestion_or_404(suggestion_id)
    if not EmptyForm().validate_on_submit() or not item.siren or item.status != "pending":
        abort(400)
    session = get_session()
    path = sirene_lookup.stock_file(current_app.config, current_app.instance_path)
    cache = sirene_lookup.cache_file(current_app.instance_path)
    found = sirene_lookup.look_up(path, item.siren, cache)
    data, has_sector = sirene_lookup.prefilled(session, _typed(item), found)
    form = _sector_choices(CompanyForm(formdata=None, data=data))
    sirene = {"ok": found.problem is None, "notes": _sirene_notes(found, path, has_sector)}
    return _suggestion_page(item, sirene=sirene, accept_form=form)
