"""Accounts: registration, e-mail verification, login, logout, reset, change, deletion."""

from . import account_views, rights_views  # noqa: F401  (their routes join the blueprint)
from .access import init_app, role_required, verified_required
from .sessions import login_manager
from .views import bp

__all__ = ["bp", "init_app", "login_manager", "role_required", "verified_required"]
