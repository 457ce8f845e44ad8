"""/admin/companies: find, create, edit, close or reopen, group and merge companies."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user
from sqlalchemy import select

from ..companies.services import all_sectors, companies_page
from ..db import get_session
from ..i18n import translate
from ..models import Company, CompanyMerge, SireneImport
from ..search import indexed
from ..sirene import SKIP_REASONS, search_source
from . import companies as services
from . import merge
from .forms import CloseForm, CompanyForm, GroupForm, MergeForm, SearchForm
from .views import NOT_DONE, attempt, bp, or_404, page_number

IMPORTS_SHOWN = 20


def _company_or_404(company_id: int) -> Company:
    return get_session().get(Company, company_id) or abort(404)


def _sector_choices(form: CompanyForm) -> CompanyForm:
    form.sector_id.choices = [("", "—")] + [(str(s.id), s.name) for s in all_sectors(get_session())]
    return form


def draft_of(form: CompanyForm) -> services.CompanyDraft:
    """The typed fields as the service takes them."""
    return services.CompanyDraft(
        name=form.name.data,
        legal_name=form.legal_name.data,
        aliases=form.aliases.data or "",
        siren=form.siren.data,
        sector_id=int(form.sector_id.data),
        city=form.city.data or "",
        region=form.region.data or "",
        website_domain=form.website_domain.data,
        mediator_name=form.mediator_name.data or None,
        mediator_url=form.mediator_url.data or None,
    )


@bp.route("/companies")
def companies():
    """Search companies by name, slug or SIREN; the past SIRENE imports with their counts
    and how many of their changes this host's search index has applied."""
    session = get_session()
    form = SearchForm(request.args)
    q = form.q.data if form.validate() else ""
    result = or_404(companies_page, session, services.search_query(q or ""), page_number())
    imports = session.scalars(
        select(SireneImport).order_by(SireneImport.started_at.desc()).limit(IMPORTS_SHOWN)
    ).all()
    return render_template(
        "admin/companies.html",
        form=form,
        q=q,
        result=result,
        imports=imports,
        indexed={r.id: indexed(session, search_source(r.id), r.changes_queued) for r in imports},
        skip_labels={code: translate(label) for code, label in SKIP_REASONS.items()},
    )


@bp.route("/companies/new", methods=["GET", "POST"])
def company_new():
    """Create a company by hand."""
    form = _sector_choices(CompanyForm())
    company = attempt(
        form, lambda: services.create_company(get_session(), current_user, draft_of(form))
    )
    if company is not NOT_DONE:
        flash(gettext("Entreprise créée : %(name)s.", name=company.name), "success")
        return redirect(url_for("admin.company_edit", company_id=company.id), 303)
    page = render_template("admin/company_new.html", form=form)
    return page, 422 if form.errors or form.form_errors else 200


def _edit_page(company: Company, **forms):
    session = get_session()
    merged_into = session.get(Company, company.merged_into_id) if company.merged_into_id else None
    if "form" not in forms:
        forms["form"] = _sector_choices(CompanyForm(obj=company, formdata=None))
        forms["form"].sector_id.data = str(company.sector_id)
    forms.setdefault("close_form", CloseForm(formdata=None))
    group = company.group.slug if company.group else ""
    forms.setdefault("group_form", GroupForm(formdata=None, group=group))
    forms.setdefault("merge_form", MergeForm(formdata=None))
    failed = any(f.errors or f.form_errors for f in forms.values())
    merges = session.scalars(
        select(CompanyMerge).where(CompanyMerge.survivor_id == company.id)
    ).all()
    page = render_template(
        "admin/company_edit.html",
        company=company,
        units=services.units_of(session, company.id),
        merged_into=merged_into,
        merges=merges,
        **forms,
    )
    return page, 422 if failed else 200


@bp.route("/companies/<int:company_id>", methods=["GET", "POST"])
def company_edit(company_id: int):
    """Edit a company's fields; the page also closes, groups and merges it."""
    company = _company_or_404(company_id)
    if request.method == "GET":
        return _edit_page(company)
    form = _sector_choices(CompanyForm())
    changed = attempt(
        form, lambda: services.edit_company(get_session(), current_user, company, draft_of(form))
    )
    if changed is not NOT_DONE:
        flash(
            gettext("Modifications enregistrées.") if changed else gettext("Rien n'a changé."),
            "success",
        )
        return redirect(url_for("admin.company_edit", company_id=company.id), 303)
    return _edit_page(company, form=form)


@bp.route("/companies/<int:company_id>/close", methods=["POST"])
def company_close(company_id: int):
    """Close an open company, or reopen a closed one, with a reason."""
    company = _company_or_404(company_id)
    form = CloseForm()
    closing = company.closed_at is None
    done = attempt(
        form,
        lambda: services.set_closed(
            get_session(), current_user, company, closing, form.reason.data
        ),
    )
    if done is not NOT_DONE:
        flash(
            gettext("Entreprise fermée.") if closing else gettext("Entreprise rouverte."),
            "success",
        )
        return redirect(url_for("admin.company_edit", company_id=company.id), 303)
    return _edit_page(company, close_form=form)


@bp.route("/companies/<int:company_id>/group", methods=["POST"])
def company_group(company_id: int):
    """Attach the company (a legal unit) to its brand group, or detach it."""
    company = _company_or_404(company_id)
    form = GroupForm()
    done = attempt(
        form,
        lambda: services.set_group(
            get_session(), current_user, company, form.group.data or "", form.reason.data or ""
        ),
    )
    if done is not NOT_DONE:
        flash(gettext("Rattachement enregistré."), "success")
        return redirect(url_for("admin.company_edit", company_id=company.id), 303)
    return _edit_page(company, group_form=form)


@bp.route("/companies/<int:company_id>/merge", methods=["POST"])
def company_merge(company_id: int):
    """Merge this duplicate into the company that stays."""
    company = _company_or_404(company_id)
    form = MergeForm()
    survivor = attempt(
        form,
        lambda: merge.merge_companies(
            get_session(), current_user, company, form.into.data, form.reason.data
        ),
    )
    if survivor is not NOT_DONE:
        flash(
            gettext(
                "Fusion faite : les avis sont maintenant sur « %(name)s ».", name=survivor.name
            ),
            "success",
        )
        return redirect(url_for("admin.company_edit", company_id=survivor.id), 303)
    return _edit_page(company, merge_form=form)
