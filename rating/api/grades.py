"""The audit's open data under /api/v1: published grades (JSON, CSV), the publication chain,
the anonymised tests of each publication and its Atom feed."""

import re

from flask import Response, abort, render_template, request

from rating.audit.disclosure import head, signature_of
from rating.audit.queries import (
    grades_for_period,
    latest_period,
    periods,
    publication_chain,
    publication_tests,
)
from rating.audit.summary import divergent_grades
from rating.csvfile import csv_text
from rating.db import get_session
from rating.models import Publication
from rating.opendata.descriptors import columns
from rating.opendata.rows import cell
from rating.security import site_url_for
from rating.vocabulary import AUDIT_CHANNELS, GRADE_KPIS

from .opendata import described_by
from .views import bp

PERIOD_RE = re.compile(r"[0-9]{4}-T[1-4]")  # ASCII digits only (\d matches "٢")
MAX_ID = 2**31 - 1  # larger ids are not integers to PostgreSQL (or SQLite): 404, not 500
# The headers come from the Table Schema descriptors (rating/opendata/schemas).
CSV_GRADES = columns("grades")
CSV_TESTS = columns("tests")


def _period() -> str | None:
    """?period= when well-formed (400 otherwise, empty or padded too: the document's
    pattern), else the latest published period."""
    period = request.args.get("period")
    if period is None:
        return latest_period(get_session())
    if not PERIOD_RE.fullmatch(period):
        abort(400, description="period")
    return period


def _csv_response(rows: list[list], filename: str, name: str) -> Response:
    response = Response(
        csv_text(rows, lineterminator="\n"),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
    return described_by(response, name)


def _grade_values(g) -> dict:
    """One grade's cells by column name: the API item, channels and KPIs flattened."""
    return {
        **g.as_api(),
        **{f"{c}_score": g.channels.get(c, {}).get("score") for c in AUDIT_CHANNELS},
        **{f"{c}_tests": g.channels.get(c, {}).get("tests") for c in AUDIT_CHANNELS},
        **{k: g.kpis.get(k) for k in GRADE_KPIS},
    }


@bp.route("/grades")
def grades():
    """Published grades of a period (latest when none is given)."""
    period = _period()
    items = grades_for_period(get_session(), period) if period else []
    divergent = divergent_grades(get_session(), items)
    return {
        "period": period,
        "periods": periods(get_session()),
        "total": len(items),
        "items": [{**g.as_api(), "divergence": g.company_id in divergent} for g in items],
    }


@bp.route("/grades.csv")
def grades_csv():
    """The same grades, one line per company, channels and KPIs in columns."""
    period = _period()
    items = grades_for_period(get_session(), period) if period else []
    rows = [list(CSV_GRADES)]
    for g in items:
        values = _grade_values(g)
        rows.append([cell(values[name]) for name in CSV_GRADES])
    return _csv_response(rows, f"notes-{period or 'aucune'}.csv", "grades")


@bp.route(f"/publications/<int(max={MAX_ID}):publication_id>/tests.csv")
def publication_tests_csv(publication_id: int):
    """The anonymised tests frozen in a publication: enough to recompute each grade."""
    publication = get_session().get(Publication, publication_id) or abort(404)
    rows = [CSV_TESTS]
    for item in publication_tests(get_session(), publication):
        # Publications frozen before a column existed leave it empty.
        rows.append([cell(item.get(f)) for f in CSV_TESTS])
    return _csv_response(rows, f"tests-publication-{publication.sequence}.csv", "tests")


@bp.route("/publications")
def publications():
    """The whole chain: what anyone needs to recompute every hash."""
    chain = publication_chain(get_session())
    return {
        "items": [
            {
                "id": p.id,
                "sequence": p.sequence,
                "period": p.period,
                "methodology": p.methodology_version,
                "published_at": p.published_at.isoformat(),
                "supersedes_id": p.supersedes_id,
                "correction_reason": p.correction_reason,
                "grades_sha256": p.grades_sha256,
                "tests_sha256": p.tests_sha256,
                "previous_hash": p.previous_hash,
                "chain_hash": p.chain_hash,
                "url": site_url_for("api.publication", publication_id=p.id),
                "tests_csv": site_url_for("api.publication_tests_csv", publication_id=p.id),
            }
            for p in chain
        ]
    }


@bp.route("/publications.atom")
def publications_feed():
    """Atom feed of publications, newest first."""
    items = publication_chain(get_session(), newest_first=True, limit=50)
    signatures = {p.id: signature_of(get_session(), p.id) for p in items}
    body = render_template(
        "audit/publications.atom.xml",
        publications=items,
        signatures=signatures,
        head=head(get_session()),
    )
    return Response(body, mimetype="application/atom+xml")
