"""`flask users …` (stub)."""

from flask.cli import AppGroup

users_cli = AppGroup("users", help="Comptes.")
