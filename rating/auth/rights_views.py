"""The account holder's rights: download their data, change address, change pseudonym."""

import json

from flask import Response, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import login_required

from ..db import get_session
from ..forms import EmptyForm, add_errors
from ..i18n import translate
from ..security import client_ip, limiter
from . import identity
from .account_views import account_page, me
from .export import account_export
from .forms import ChangeEmailForm, ChangePseudonymForm
from .services import AccountRejected
from .tokens import TokenInvalid
from .views import bp


@bp.route("/account/export")
@login_required
def export():
    """A JSON file of everything about the account (a GET that only reads)."""
    user = me()
    body = json.dumps(account_export(get_session(), user), ensure_ascii=False, indent=2)
    response = Response(body, mimetype="application/json")
    name = f"observatoire-mes-donnees-{user.id}.json"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/account/email", methods=["POST"])
@login_required
@limiter.limit("5/hour")
def change_email():
    form = ChangeEmailForm()
    if form.validate_on_submit():
        try:
            address = identity.request_email_change(
                get_session(),
                me(),
                new_email=form.new_email.data,
                password=form.email_password.data,
                ip=client_ip(),
            )
        except AccountRejected as exc:
            add_errors(form, exc.reasons)
        else:
            flash(
                _(
                    "Nous avons envoyé un lien à %(email)s. Votre adresse ne change qu'une fois "
                    "ce lien ouvert.",
                    email=address,
                ),
                "success",
            )
            return redirect(url_for("auth.account"))
    return account_page(email_form=form)


@bp.route("/account/email/<token>", methods=["GET", "POST"])
def confirm_email(token: str):
    """GET shows a button (mail scanners follow links); POST makes the change."""
    form = EmptyForm()
    try:
        if form.validate_on_submit():
            identity.confirm_email_change(get_session(), token)
            flash(_("C'est fait : votre compte utilise désormais cette adresse."), "success")
            return redirect(url_for("auth.account"))
        user = identity.user_for_change(get_session(), token)
    except TokenInvalid:
        return render_template("auth/confirm_email.html", form=None), 400
    except AccountRejected as exc:
        flash(translate(exc.reasons[0][1]), "error")
        return render_template("auth/confirm_email.html", form=None), 409
    return render_template("auth/confirm_email.html", form=form, address=user.pending_email)


@bp.route("/account/pseudonym", methods=["POST"])
@login_required
@limiter.limit("10/hour")
def change_pseudonym():
    form = ChangePseudonymForm()
    if form.validate_on_submit():
        try:
            identity.change_pseudonym(get_session(), me(), form.pseudonym.data)
        except AccountRejected as exc:
            add_errors(form, exc.reasons)
        else:
            flash(_("Votre pseudonyme est modifié, y compris sur vos avis."), "success")
            return redirect(url_for("auth.account"))
    return account_page(pseudonym_form=form)
