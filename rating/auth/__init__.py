"""Accounts: registration, e-mail verification, login, logout, reset, change, deletion."""

from .views import bp, init_app

__all__ = ["bp", "init_app"]
