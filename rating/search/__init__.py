"""Full-text search of companies (Whoosh), kept in step with the database by an outbox."""

from .api import autocomplete, get_store, init_app, search_companies
from .cli import search_cli
from .outbox import drain_outbox, rebuild, verify
from .query import SearchResult
from .views import bp

__all__ = [
    "SearchResult",
    "autocomplete",
    "bp",
    "drain_outbox",
    "get_store",
    "init_app",
    "rebuild",
    "search_cli",
    "search_companies",
    "verify",
]
