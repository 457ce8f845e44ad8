"""Access checks for every feature: `role_required(*roles)` and `verified_required`.

Roles: "auditor", "moderator", "admin" are rows of user_roles; "representative" means an
active membership of some company; "shopper" is any signed-in account. A view that
concerns one company must still check `company.id in current_user.represented_company_ids()`.
"""

import logging
from functools import wraps

from flask import abort, flash, g, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from . import sessions
from .sessions import login_manager

security_log = logging.getLogger("rating.security")
KNOWN_ROLES = ("shopper", "representative", "auditor", "moderator", "admin")


def user_has_role(user, role: str) -> bool:
    """True when a signed-in `user` holds `role` (see the module docstring)."""
    if not getattr(user, "is_authenticated", False):
        return False
    if role == "shopper":
        return True
    if role == "representative":
        return bool(user.represented_company_ids())
    return user.has_role(role)


def role_required(*roles: str):
    """Sign-in required, then 403 unless the user holds at least one of `roles`."""
    unknown = set(roles) - set(KNOWN_ROLES)
    if not roles or unknown:
        raise ValueError(f"unknown roles: {sorted(unknown)}")  # a typo must not open a door

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not any(user_has_role(current_user, role) for role in roles):
                security_log.warning(
                    "authorisation refused: user #%s needs %s for %s %s",
                    current_user.id,
                    "|".join(roles),
                    request.method,
                    request.endpoint,
                )
                g.refusal_logged = True
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def verified_required(view):
    """Sign-in required, then a verified e-mail address; else a page explains how to verify."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if not current_user.is_verified:
            security_log.info(
                "unverified user #%s stopped at %s %s",
                current_user.id,
                request.method,
                request.endpoint,
            )
            flash(_("Confirmez d'abord votre adresse e-mail."), "info")
            return redirect(url_for("auth.verify_needed"))
        return view(*args, **kwargs)

    return wrapped


def log_refusal(response):
    """Every 403, whichever view decided it, leaves one line in rating.security."""
    if response.status_code == 403 and not g.get("refusal_logged"):
        who = f"user #{current_user.id}" if current_user.is_authenticated else "anonymous"
        security_log.warning(
            "authorisation refused: %s for %s %s", who, request.method, request.endpoint
        )
    return response


def init_app(app) -> None:
    """Flask-Login, and the log line of every refusal."""
    sessions.init_app(app)
    app.after_request(log_refusal)
