"""What the results page shows: rows re-read from the database, in the index's order."""

from dataclasses import dataclass
from datetime import date

from flask import url_for
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from ..audit.queries import latest_grades_of
from ..i18n import translate
from ..models import Company, Sector
from ..msgids import N_
from ..scores import read
from ..scores.calls import MIN_ANSWERS
from .query import SearchResult

LETTERS = ("A", "B", "C", "D", "E")
ANSWERED_FRANCE = N_("Oui, selon au moins %(min)d clients", min=MIN_ANSWERS)


@dataclass(frozen=True)
class ResultItem:
    """One company in the results, with the figures shown beside it."""

    company: Company
    url: str
    name: list[tuple[str, bool]]
    description: list[tuple[str, bool]]
    score: float | None
    count: int
    letter: str | None
    audited: bool  # a published grade, or "données insuffisantes" (letter None)


def result_items(session: Session, result: SearchResult) -> list[ResultItem]:
    """Companies of `result` that the database still has (a deleted one is never shown), in
    rank order."""
    if not result.ids:
        return []
    rows = session.scalars(
        select(Company).options(joinedload(Company.sector)).where(Company.id.in_(result.ids))
    ).all()
    companies = {c.id: c for c in rows}
    # The figures shown come from the same reader as the company page (never the index).
    scores = read.company_scores(session, result.ids, date.today())
    grades = latest_grades_of(session, result.ids)
    items = []
    for company_id in result.ids:
        company = companies.get(company_id)
        if company is None:
            continue  # deleted since it was indexed: never shown
        score = scores.get(company_id)
        grade = grades.get(company_id)
        marks = result.highlights.get(company_id, {})
        items.append(
            ResultItem(
                company=company,
                url=url_for("companies.detail", slug=company.slug),
                # The index may be a few milliseconds behind: show the row's own name then.
                name=marks.get("name")
                if _same(marks.get("name"), company.name)
                else [(company.name, False)],
                description=marks.get("description") or [],
                score=score.score if score else None,
                count=score.count if score else 0,
                letter=grade.letter if grade else None,
                audited=grade is not None,
            )
        )
    return items


def _same(segments, text: str) -> bool:
    return bool(segments) and "".join(t for t, _ in segments) == text


def facet_labels(session: Session, result: SearchResult) -> dict[str, dict[str, str]]:
    """Human labels of facet keys: sector names by slug; regions and letters are their own."""
    slugs = [key for key, _ in result.facets.get("sector", [])]
    names = dict(
        session.execute(select(Sector.slug, Sector.name).where(Sector.slug.in_(slugs))).all()
    )
    return {
        "sector": {slug: names.get(slug, slug) for slug in slugs},
        "region": {key: key for key, _ in result.facets.get("region", [])},
        "letter": {key: key for key, _ in result.facets.get("letter", [])},
        "france": {"1": translate(ANSWERED_FRANCE)},
    }
