"""Search adapter (stub)."""

from flask.cli import AppGroup

search_cli = AppGroup("search", help="Index de recherche.")


def init_app(app):
    pass
