"""Full-text search of companies (Whoosh), each host's index tailing the search log."""

from .api import autocomplete, get_store, init_app, search_companies
from .cli import search_cli
from .outbox import (
    NeedsRebuild,
    behind,
    drain_outbox,
    indexed,
    lag,
    prune_log,
    rebuild,
    verify,
)
from .query import SearchResult
from .views import bp

__all__ = [
    "NeedsRebuild",
    "behind",
    "lag",
    "prune_log",
    "SearchResult",
    "autocomplete",
    "bp",
    "drain_outbox",
    "get_store",
    "indexed",
    "init_app",
    "rebuild",
    "search_cli",
    "search_companies",
    "verify",
]
