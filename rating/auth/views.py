"""Account pages: sign in and out, register, verify, reset; the account page is in account_views."""

from flask import Blueprint, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from ..db import get_session
from ..forms import EmptyForm, add_errors
from ..msgids import N_
from ..security import client_ip, limiter
from . import devices, services
from .forms import LoginForm, RegisterForm, ResetPasswordForm, ResetRequestForm
from .login import AccountLocked, LoginRejected, LoginThrottled, authenticate, sign_out
from .rules import safe_next
from .tokens import TokenInvalid

bp = Blueprint("auth", __name__)
LOGIN_FAILED = "Adresse e-mail ou mot de passe incorrect."
ACCOUNT_LOCKED = N_(
    "Ce compte est bloqué par un administrateur. Écrivez-nous depuis son adresse e-mail "
    "pour en savoir plus."
)


def form_page(template: str, form, **context):
    """Render a form page: 422 when it comes back with errors, so that bad input is a 4xx."""
    return render_template(template, form=form, **context), 422 if form.errors else 200


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Sign in; follow `next` only when it is a path on this site."""
    target = safe_next(request.args.get("next"))
    if current_user.is_authenticated:
        return redirect(target or url_for("main.index"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            signed_in = authenticate(
                get_session(),
                email=form.email.data,
                password=form.password.data,
                ip=client_ip(),
                remember=form.remember.data,
                device_cookie=request.cookies.get(devices.COOKIE_NAME),
            )
        except LoginThrottled as exc:
            return _throttled(form, target, exc.retry_after)
        except LoginRejected:
            add_errors(form, [("password", _(LOGIN_FAILED))])
        except AccountLocked:
            add_errors(form, [("password", ACCOUNT_LOCKED)])
        else:
            login_user(signed_in.user, remember=signed_in.remember)
            response = redirect(target or url_for("main.index"))
            devices.set_cookie(response, signed_in.device_cookie)
            return response
    return form_page("auth/login.html", form, next=target)


def _throttled(form, target, retry_after: int):
    minutes = max(1, -(-retry_after // 60))
    page = render_template("auth/login.html", form=form, next=target, wait_minutes=minutes)
    response = make_response(page, 429)
    response.headers["Retry-After"] = str(retry_after)
    return response


@bp.route("/logout", methods=["POST"])
def logout():
    """Sign out: the server-side session is deleted, so a copied cookie dies too."""
    if current_user.is_authenticated:
        sign_out(get_session(), current_user._get_current_object())
        logout_user()
    flash(_("Vous êtes déconnecté."), "success")
    return redirect(url_for("main.index"))


def _registration_checked(form) -> bool:
    """Check the form's shape and the account rules in the same round, so that every
    problem shows on the first submit; True when the account may be created."""
    shaped = form.validate()
    reasons = services.registration_problems(
        get_session(),
        pseudonym=form.pseudonym.data,
        email=form.email.data,
        password=form.password.data,
    )
    # A field already refused by its shape keeps that one message, not a pile of them.
    add_errors(form, [(field, m) for field, m in reasons if not form[field].errors])
    return shaped and not reasons


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit("5/hour", methods=["POST"])
def register():
    """Create an account; the answer is the same whether the address is known or not."""
    target = safe_next(request.args.get("next"))
    if current_user.is_authenticated:
        return redirect(target or url_for("auth.account"))
    form = RegisterForm()
    if form.is_submitted() and _registration_checked(form):
        try:
            services.register(
                get_session(),
                pseudonym=form.pseudonym.data,
                email=form.email.data,
                password=form.password.data,
                accepted_cgu=form.accept_cgu.data,
                next_path=target,
            )
        except services.AccountRejected as exc:
            add_errors(form, exc.reasons)
        else:
            return redirect(url_for("auth.register_sent"))
    return form_page("auth/register.html", form, next=target)


@bp.route("/register/sent")
def register_sent():
    return render_template("auth/check_inbox.html", reason="register")


@bp.route("/verify/<token>", methods=["GET", "POST"])
def verify(token: str):
    """GET shows a button (GETs never write; mail scanners follow links); POST confirms, then
    leads on to `next` (a path on this site, kept from registration), signing in first."""
    form, target = EmptyForm(), safe_next(request.args.get("next"))
    try:
        if form.validate_on_submit():
            services.verify_email(get_session(), token)
            flash(_("Merci, votre adresse e-mail est confirmée."), "success")
            if current_user.is_authenticated:
                return redirect(target or url_for("auth.account"))
            return redirect(url_for("auth.login", next=target))
        user = services.user_for_token(get_session(), "verify", token)
    except TokenInvalid:
        return render_template("auth/verify.html", form=None), 400
    page = render_template("auth/verify.html", form=form, already=user.is_verified, next=target)
    return page


@bp.route("/reset", methods=["GET", "POST"])
@limiter.limit("10/hour", methods=["POST"])
def reset_request():
    """Ask for a reset link; the same answer whether the address has an account or not."""
    form = ResetRequestForm()
    if form.validate_on_submit():
        services.request_reset(get_session(), form.email.data)
        return redirect(url_for("auth.reset_sent"))
    return form_page("auth/reset_request.html", form)


@bp.route("/reset/sent")
def reset_sent():
    return render_template("auth/check_inbox.html", reason="reset")


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    """Choose a new password through a single-use link valid RESET_TOKEN_MAX_AGE seconds."""
    form = ResetPasswordForm()
    try:
        services.user_for_token(get_session(), "reset", token)
        if form.validate_on_submit():
            services.reset_password(get_session(), token, form.password.data)
            if current_user.is_authenticated:
                logout_user()  # every session was ended, this one included
            flash(_("Votre mot de passe est enregistré : vous pouvez vous connecter."), "success")
            return redirect(url_for("auth.login"))
    except TokenInvalid:
        return render_template("auth/reset_password.html", form=None), 400
    except services.AccountRejected as exc:
        add_errors(form, exc.reasons)
    return form_page("auth/reset_password.html", form)
