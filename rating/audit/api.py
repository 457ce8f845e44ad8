"""Open data: published grades (JSON, CSV), anonymised tests per publication, Atom feed."""

import csv
import io
import json
import re

from flask import Response, abort, render_template, request, url_for
from sqlalchemy import select

from ..db import get_session
from ..models import Company, Publication
from ..security import limiter
from ..vocabulary import AUDIT_CHANNELS, GRADE_COLUMNS, GRADE_KPIS, TEST_COLUMNS
from .queries import grades_for_period, latest_period, periods
from .views import bp

PERIOD_RE = re.compile(r"[0-9]{4}-T[1-4]")  # ASCII digits only (\d matches "٢")
API_LIMIT = "120/minute"
MAX_ID = 2**31 - 1  # larger ids are not integers to PostgreSQL (or SQLite): 404, not 500
CSV_TESTS = TEST_COLUMNS
CHANNELS_CSV = tuple(AUDIT_CHANNELS)
KPIS_CSV = GRADE_KPIS


def _period() -> str | None:
    """?period= when well-formed (400 otherwise), else the latest published period."""
    period = request.args.get("period", "").strip()
    if period and not PERIOD_RE.fullmatch(period):
        abort(400, description="period")
    return period or latest_period(get_session())


def _csv_response(rows: list[list], filename: str) -> Response:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerows(rows)
    return Response(
        out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


@bp.route("/api/v1/grades")
@limiter.limit(API_LIMIT)
def api_grades():
    """Published grades of a period (latest when none is given)."""
    period = _period()
    items = grades_for_period(get_session(), period) if period else []
    return {
        "period": period,
        "periods": periods(get_session()),
        "total": len(items),
        "items": [g.as_api() for g in items],
    }


@bp.route("/api/v1/grades.csv")
@limiter.limit(API_LIMIT)
def api_grades_csv():
    """The same grades, one line per company, channels and KPIs in columns."""
    period = _period()
    items = grades_for_period(get_session(), period) if period else []
    rows = [list(GRADE_COLUMNS)]
    for g in items:
        rows.append(
            [
                g.company_slug,
                g.period,
                _cell(g.grade20),
                _cell(g.letter),
                g.methodology,
                g.publication_id,
            ]
            + [_cell(g.channels.get(c, {}).get("score")) for c in CHANNELS_CSV]
            + [_cell(g.channels.get(c, {}).get("tests")) for c in CHANNELS_CSV]
            + [_cell(g.kpis.get(k)) for k in KPIS_CSV]
        )
    return _csv_response(rows, f"notes-{period or 'aucune'}.csv")


@bp.route(f"/api/v1/publications/<int(max={MAX_ID}):publication_id>/tests.csv")
@limiter.limit(API_LIMIT)
def api_tests_csv(publication_id: int):
    """The anonymised tests frozen in a publication: enough to recompute each grade."""
    session = get_session()
    publication = session.get(Publication, publication_id)
    if publication is None:
        abort(404)
    tests = json.loads(publication.tests_json)
    # Today's slug, so the file joins with /api/v1/grades even after a company renames.
    slugs = dict(
        session.execute(
            select(Company.id, Company.slug).where(Company.id.in_({t["company_id"] for t in tests}))
        ).all()
    )
    rows = [CSV_TESTS]
    for item in tests:
        item = {**item, "company_slug": slugs.get(item["company_id"], item["company_slug"])}
        rows.append([_cell(item[f]) for f in CSV_TESTS])
    return _csv_response(rows, f"tests-publication-{publication.sequence}.csv")


@bp.route("/api/v1/publications")
@limiter.limit(API_LIMIT)
def api_publications():
    """The whole chain: what anyone needs to recompute every hash."""
    chain = get_session().scalars(select(Publication).order_by(Publication.sequence)).all()
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
                "tests_csv": url_for("audit.api_tests_csv", publication_id=p.id, _external=True),
            }
            for p in chain
        ]
    }


@bp.route("/api/v1/publications.atom")
@limiter.limit(API_LIMIT)
def publications_feed():
    """Atom feed of publications, newest first."""
    items = (
        get_session()
        .scalars(select(Publication).order_by(Publication.sequence.desc()).limit(50))
        .all()
    )
    body = render_template("audit/publications.atom.xml", publications=items)
    return Response(body, mimetype="application/atom+xml")
