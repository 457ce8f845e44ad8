"""The account page and its actions: new link, password change, sign out everywhere, delete."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user

from ..db import get_session
from ..forms import EmptyForm, add_errors
from ..security import client_ip, limiter
from . import services
from .forms import ChangeEmailForm, ChangePasswordForm, ChangePseudonymForm, DeleteAccountForm
from .views import bp


def account_page(**bound):
    """The account page; `bound` holds the submitted form (with its errors), others are blank."""
    forms = {
        "password_form": ChangePasswordForm(formdata=None),
        "email_form": ChangeEmailForm(formdata=None),
        "pseudonym_form": ChangePseudonymForm(formdata=None),
        "delete_form": DeleteAccountForm(formdata=None),
        "empty_form": EmptyForm(formdata=None),
        **bound,
    }
    failed = any(form.errors for form in bound.values())
    return render_template("auth/account.html", **forms), 422 if failed else 200


def me():
    """The signed-in user object itself (services set attributes on it)."""
    return current_user._get_current_object()


@bp.route("/account")
@login_required
def account():
    return account_page()


@bp.route("/verification")
def verify_needed():
    """Explains why an action needs a confirmed address, with a button to get a new link."""
    return render_template("auth/verify_needed.html", form=EmptyForm(formdata=None))


@bp.route("/account/verify", methods=["POST"])
@login_required
@limiter.limit("5/hour")
def resend_verification():
    if services.resend_verification(get_session(), me()):
        flash(_("Un nouveau lien de confirmation vient de vous être envoyé."), "success")
    else:
        flash(_("Votre adresse est déjà confirmée."), "info")
    return redirect(url_for("auth.account"))


@bp.route("/account/password", methods=["POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(
                get_session(),
                me(),
                current=form.current_password.data,
                new=form.new_password.data,
                ip=client_ip(),
            )
        except services.AccountRejected as exc:
            add_errors(form, exc.reasons)
        else:
            flash(_("Mot de passe modifié. Vos autres sessions ont été fermées."), "success")
            return redirect(url_for("auth.account"))
    return account_page(password_form=form)


@bp.route("/account/sessions", methods=["POST"])
@login_required
def sign_out_everywhere():
    services.sign_out_everywhere(get_session(), me())
    logout_user()
    flash(_("Vous êtes déconnecté de tous vos appareils."), "success")
    return redirect(url_for("auth.login"))


@bp.route("/account/delete", methods=["POST"])
@login_required
def delete_account():
    """Delete the account (password required); its reviews stay as « compte supprimé »."""
    form = DeleteAccountForm()
    if form.validate_on_submit():
        try:
            services.delete_account(
                get_session(), me(), password=form.password.data, ip=client_ip()
            )
        except services.AccountRejected as exc:
            add_errors(form, exc.reasons)
        else:
            logout_user()
            flash(_("Votre compte est supprimé. Vos avis restent, sans votre nom."), "success")
            return redirect(url_for("main.index"))
    return account_page(delete_form=form)
