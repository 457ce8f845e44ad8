"""The search API other features call: `search_companies`, `autocomplete`, `init_app`."""

import os
import socket
import uuid
from functools import lru_cache
from pathlib import Path

from flask import current_app
from sqlalchemy import TextClause, func, select, text

from ..db import get_session, read_rows
from ..models import Company
from ..models.checks import luhn_valid
from .analysis import parse_siren
from .query import SearchResult, run_autocomplete, run_lookup, run_search
from .store import IndexStore

EXTENSION = "rating.search"


def index_dir(app) -> str | None:
    """SEARCH_INDEX_DIR: "" means <instance>/search; None keeps the index in memory."""
    configured = app.config.get("SEARCH_INDEX_DIR", "")
    if configured is None:
        return None
    return configured or str(Path(app.instance_path) / "search")


def index_name(app, directory: str | None) -> str:
    """This index's name in the search log's cursors: SEARCH_INDEX_NAME, else this machine's
    name and the index directory (an index in memory gets a name of its own)."""
    configured = app.config.get("SEARCH_INDEX_NAME")
    if configured:
        return str(configured)[:200]
    where = os.path.realpath(directory) if directory else f"memory-{uuid.uuid4().hex[:12]}"
    return f"{socket.gethostname()}:{where}"[-200:]


def init_app(app) -> None:
    """Open the index, creating an empty one on first start (no other I/O)."""
    directory = index_dir(app)
    store = IndexStore(directory)
    store.ensure()
    store.index_name = index_name(app, directory)
    app.extensions[EXTENSION] = store


def get_store(app=None) -> IndexStore:
    """The index store of `app` (default: the current app)."""
    return (app or current_app).extensions[EXTENSION]


def search_companies(
    q: str,
    *,
    page: int = 1,
    per_page: int = 20,
    sector: str | None = None,
    region: str | None = None,
    letter: str | None = None,
    sort: str | None = None,
    france: str | None = None,
) -> SearchResult:
    """Search companies by words, name prefix, typo, or SIREN / SIRET (database lookup).

    Returns the ids of one page in rank order, the total, facet counts
    ({"sector": [(slug, n)], "region": [(name, n)], "letter": [(letter, n)]}), a suggestion
    when nothing matched, highlight segments per id and the stored fields per id.
    `sort` is None (relevance), "score" (community score) or "grade" (audit grade).
    `france` "1" keeps the companies answered in France according to customers.
    Callers load the rows with `select(Company).where(Company.id.in_(ids))`, keep the
    rank order, and drop ids the database no longer shows (a deleted company is never shown).
    """
    searcher = get_store().searcher()
    filters = {"sector": sector or None, "region": region or None, "letter": letter or None}
    siren = parse_siren(q)
    if siren and luhn_valid(siren):
        # A SIREN (or SIRET) names one company: the database's unique index finds it (or
        # the company it was merged into, the one the index holds).
        found = get_session().scalar(
            select(func.coalesce(Company.merged_into_id, Company.id)).where(Company.siren == siren)
        )
        if found is not None:
            return run_lookup(
                searcher, [found], page=page, per_page=per_page, describe=descriptions, **filters
            )
    return run_search(
        searcher,
        q,
        page=page,
        per_page=per_page,
        sort=sort,
        france=france or None,
        describe=descriptions,
        **filters,
    )


def descriptions(company_ids: list[int]) -> dict[int, str]:
    """The descriptions of a page of results, read from the database (the index does not
    store them: written with every company, they made a rebuild slower and the index
    bigger, and only the 20 companies shown need them).

    Read on a DB-API connection (rating.db.read_rows), not get_session(): outside a request
    (CLI, worker) that one opens a writing transaction and holds SQLite's write lock.
    """
    params = {f"id{i}": company_id for i, company_id in enumerate(company_ids)}
    return {
        company_id: text
        for company_id, text in read_rows(_descriptions_sql(len(params)), params)
        if text
    }


@lru_cache(maxsize=64)
def _descriptions_sql(count: int) -> TextClause:
    # One statement object per page size, so that its compiled form is cached (rating.db).
    # Only numbered placeholders are formatted in; every value is bound.
    marks = ", ".join(f":id{i}" for i in range(count))
    return text(f"SELECT id, description FROM companies WHERE id IN ({marks})")  # noqa: S608 # nosec B608


def autocomplete(q: str, limit: int = 8) -> list[dict]:
    """Stored fields of companies whose name words start with the typed words."""
    return run_autocomplete(get_store().searcher(), q, limit)
