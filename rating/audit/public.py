"""Public pages: latest grades by sector, the methodology, and each publication."""

from pathlib import Path

from flask import Response, abort, render_template, request

from ..db import get_session
from ..models import Publication
from ..vocabulary import AUDIT_CHANNELS
from .methodology import V1
from .queries import PROFESSION_REFERENCES, latest_grades, publication_grades, superseded_by
from .summary import divergent_grades
from .testrows import CSV_COLUMNS
from .views import bp

# The stranger's verifier, shipped in the repository and served as is (standard library).
VERIFIER = Path(__file__).resolve().parents[2] / "tools" / "verify_publications.py"

SORTS = {
    "grade": lambda g: (g.grade20 is None, -(g.grade20 or 0), g.company_name.lower()),
    "name": lambda g: g.company_name.lower(),
    "period": lambda g: (g.period, g.company_name.lower()),
}


@bp.route("/grades")
def grades():
    """Latest published grade of each audited company, grouped by sector, sortable."""
    sort = request.args.get("sort", "grade")
    order = request.args.get("order", "asc")
    if sort not in SORTS or order not in ("asc", "desc"):
        abort(400)
    items = latest_grades(get_session())
    divergent = divergent_grades(get_session(), items)
    sectors = sorted({(g.sector_slug, g.sector_name) for g in items}, key=lambda s: s[1])
    # Only a sector the page lists is kept (in its links too); anything else shows them all.
    sector = request.args.get("sector", "")
    sector = sector if sector in {slug for slug, _ in sectors} else ""
    if sector:
        items = [g for g in items if g.sector_slug == sector]
    by_sector: dict[str, list] = {}
    for item in sorted(items, key=SORTS[sort], reverse=order == "desc"):
        by_sector.setdefault(item.sector_name, []).append(item)
    return render_template(
        "audit/grades.html",
        by_sector=sorted(by_sector.items()),
        sectors=sectors,
        sort=sort,
        order=order,
        sector=sector,
        divergent=divergent,
    )


@bp.route("/methodology")
def methodology():
    """Methodology v1 in French: formulas, weights, thresholds, the draw and the chain."""
    return render_template(
        "audit/methodology.html",
        v1=V1,
        channel_names=AUDIT_CHANNELS,
        references=PROFESSION_REFERENCES,
        csv_columns=CSV_COLUMNS,
    )


@bp.route("/publications/<int:publication_id>")
def publication(publication_id: int):
    """One frozen publication: its grades, hashes, chain link and downloads."""
    item = get_session().get(Publication, publication_id) or abort(404)
    return render_template(
        "audit/publication.html",
        publication=item,
        grades=publication_grades(get_session(), item),
        superseded_by=superseded_by(get_session(), item.id),
    )


@bp.route("/methodology/verify_publications.py")
def verifier_script():
    """The standalone script that recomputes every hash, signature, grade and draw."""
    # Read whole (a few kB): an open file left to the response outlives unread responses.
    return Response(
        VERIFIER.read_bytes(),
        mimetype="text/plain",
        headers={"Content-Disposition": f"inline; filename={VERIFIER.name}"},
    )
