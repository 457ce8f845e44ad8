"""Full-text search (stub, replaced by the search feature)."""

from flask import Blueprint
from flask.cli import AppGroup

bp = Blueprint("search", __name__)
search_cli = AppGroup("search", help="Index de recherche.")


@search_cli.command("rebuild")
def rebuild():
    """Rebuild the index from the database."""


def init_app(app):
    pass
