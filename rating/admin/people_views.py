"""/admin/sectors and /admin/users: sectors and their NAF codes; roles and locks of accounts."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user
from sqlalchemy import select

from ..companies.services import companies_page
from ..db import get_session
from ..models import AdminAction, Sector, User
from . import sectors as sector_services
from . import users as user_services
from .forms import LockForm, RoleForm, SearchForm, SectorEditForm, SectorForm
from .views import NOT_DONE, attempt, bp, or_404, page_number

HISTORY_SHOWN = 20


@bp.route("/sectors", methods=["GET", "POST"])
def sectors():
    """Every sector with its companies and NAF codes; a form creates one."""
    session = get_session()
    form = SectorForm()
    sector = attempt(
        form, lambda: sector_services.create_sector(session, current_user, form.name.data)
    )
    if sector is not NOT_DONE:
        flash(gettext("Secteur créé : %(name)s.", name=sector.name), "success")
        return redirect(url_for("admin.sectors"), 303)
    page = render_template(
        "admin/sectors.html", form=form, rows=sector_services.sectors_with_counts(session)
    )
    return page, 422 if form.errors or form.form_errors else 200


@bp.route("/sectors/<int:sector_id>", methods=["GET", "POST"])
def sector_edit(sector_id: int):
    """Rename a sector and set the NAF codes the SIRENE import files under it."""
    session = get_session()
    sector = session.get(Sector, sector_id) or abort(404)
    codes = sector_services.codes_of(session, sector.id)
    form = SectorEditForm(data={"name": sector.name, "naf_codes": "\n".join(codes)})
    changed = attempt(
        form,
        lambda: sector_services.edit_sector(
            session, current_user, sector, form.name.data, form.naf_codes.data or ""
        ),
    )
    if changed is not NOT_DONE:
        flash(
            gettext("Secteur enregistré.") if changed else gettext("Rien n'a changé."),
            "success",
        )
        return redirect(url_for("admin.sector_edit", sector_id=sector.id), 303)
    page = render_template(
        "admin/sector_edit.html",
        sector=sector,
        form=form,
        file_codes=sector_services.file_codes().get(sector.slug, []),
    )
    return page, 422 if form.errors or form.form_errors else 200


@bp.route("/users")
def users():
    """Find an account by e-mail or pseudonym."""
    form = SearchForm(request.args)
    q = form.q.data if form.validate() else ""
    stmt = user_services.search_query(q or "")
    result = or_404(companies_page, get_session(), stmt, page_number())
    return render_template("admin/users.html", form=form, q=q, result=result)


def _user_page(user: User, **forms):
    forms.setdefault("role_form", RoleForm(formdata=None))
    forms.setdefault("lock_form", LockForm(formdata=None))
    history = (
        get_session()
        .scalars(
            select(AdminAction)
            .where(AdminAction.target_type == "user", AdminAction.target_id == user.id)
            .order_by(AdminAction.created_at.desc(), AdminAction.id.desc())
            .limit(HISTORY_SHOWN)
        )
        .all()
    )
    failed = any(f.errors or f.form_errors for f in forms.values())
    page = render_template("admin/user.html", user=user, history=history, **forms)
    return page, 422 if failed else 200


def _user_or_404(user_id: int) -> User:
    return get_session().get(User, user_id) or abort(404)


@bp.route("/users/<int:user_id>")
def user_detail(user_id: int):
    """An account: its roles, its lock, what administrators did to it."""
    return _user_page(_user_or_404(user_id))


@bp.route("/users/<int:user_id>/roles", methods=["POST"])
def user_roles(user_id: int):
    """Grant or revoke a staff role, with a reason (never one's own)."""
    user = _user_or_404(user_id)
    form = RoleForm()
    grant = form.action.data == "grant"
    done = attempt(
        form,
        lambda: user_services.set_role(
            get_session(), current_user, user, form.role.data, grant, form.reason.data
        ),
    )
    if done is not NOT_DONE:
        flash(gettext("Rôles enregistrés."), "success")
        return redirect(url_for("admin.user_detail", user_id=user.id), 303)
    return _user_page(user, role_form=form)


@bp.route("/users/<int:user_id>/lock", methods=["POST"])
def user_lock(user_id: int):
    """Lock an account (its sessions end, it cannot sign in) or unlock it, with a reason."""
    user = _user_or_404(user_id)
    form = LockForm()
    locking = user.locked_at is None
    done = attempt(
        form,
        lambda: user_services.set_locked(
            get_session(), current_user, user, locking, form.reason.data
        ),
    )
    if done is not NOT_DONE:
        flash(gettext("Compte bloqué.") if locking else gettext("Compte débloqué."), "success")
        return redirect(url_for("admin.user_detail", user_id=user.id), 303)
    return _user_page(user, lock_form=form)
