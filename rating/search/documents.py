"""From database rows to index documents: the database is the truth, the index a copy."""

from collections import defaultdict
from collections.abc import Iterator
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from ..models import AuditGrade, Company, CompanyStats, ContactCentre, ContactPoint, Publication
from ..scores import read

CHUNK = 1000


def latest_grades(session: Session, ids: list[int]) -> dict[int, AuditGrade]:
    """Each company's grade in the most recent publication that graded it."""
    stmt = (
        select(AuditGrade)
        .join(Publication, Publication.id == AuditGrade.publication_id)
        .where(AuditGrade.company_id.in_(ids))
        .order_by(Publication.published_at, Publication.id)
    )
    return {grade.company_id: grade for grade in session.scalars(stmt)}  # the last one wins


def _grouped(session: Session, model, ids: list[int]) -> dict[int, list]:
    grouped = defaultdict(list)
    for row in session.scalars(select(model).where(model.company_id.in_(ids)).order_by(model.id)):
        grouped[row.company_id].append(row)
    return grouped


def stamp(company: Company, stats: CompanyStats | None, grade: AuditGrade | None) -> str:
    """A fingerprint of what the document was built from; `verify` compares it to the DB.

    Only the summary figures the sort by score is made of, not the summary's version: that
    one also moves when nothing indexed changes (a review held, a text edited, a reply; see
    rating.scores.store.touch), which no search refresh follows.
    """
    updated = company.updated_at.isoformat() if company.updated_at else ""
    figures = (
        f"{stats.review_count}|{stats.sum_weight!r}|{stats.sum_weighted_stars!r}"
        if stats is not None
        else "0"
    )
    return f"{updated}|{figures}|{grade.id if grade else 0}"


def documents_for(session: Session, ids: list[int], today: date | None = None) -> dict[int, dict]:
    """Index documents of the companies among `ids` that exist and were not merged into
    another (absent ids are left out: the index deletes them; a merged company's slug
    redirects to the survivor, which the search finds)."""
    if not ids:
        return {}
    today = today or date.today()
    companies = session.scalars(
        select(Company)
        .options(joinedload(Company.sector), joinedload(Company.group))
        .where(Company.id.in_(ids), Company.merged_into_id.is_(None))
    ).all()
    stats = {
        s.company_id: s
        for s in session.scalars(select(CompanyStats).where(CompanyStats.company_id.in_(ids)))
    }
    scores = read.company_scores(session, ids, today)
    grades = latest_grades(session, ids)
    points = _grouped(session, ContactPoint, ids)
    centres = _grouped(session, ContactCentre, ids)
    answered = read.answered(session, ids, today)
    docs = {}
    for company in companies:
        docs[company.id] = company_document(
            company,
            stats.get(company.id),
            scores.get(company.id),
            grades.get(company.id),
            points.get(company.id, []),
            centres.get(company.id, []),
            answered_france=answered[company.id].france_majority,
        )
    return docs


def company_document(
    company, stats, score, grade, points, centres, answered_france: bool = False
) -> dict:
    """The fields of one company's document (None values left out: Whoosh refuses them).

    The community score is only a sort key here (`sort_score`, as of the day the document
    was written: sorting may lag by a day); what a result shows is read from
    rating.scores.read when the page is built.
    """
    aliases = "\n".join(company.alias_list)
    # A legal unit of a brand group is found by the group's name and aliases too.
    group = company.group
    group_names = "\n".join([group.name, *group.alias_list]) if group is not None else ""
    names = "\n".join(x for x in (company.name, aliases, group_names) if x)
    sector = company.sector.name if company.sector else ""
    # The legal name mostly repeats the name ("Orange SA"): index only its other words.
    name_words = set(company.name.lower().split())
    legal_rest = " ".join(
        w for w in (company.legal_name or "").split() if w.lower() not in name_words
    )
    contacts = " ".join(
        [" ".join((p.label or "", p.value or "", p.hours or "")) for p in points]
        + [f"{c.city} {c.country}" for c in centres]
    ).strip()
    doc = {
        "id": str(company.id),
        "slug": company.slug,
        "stamp": stamp(company, stats, grade),
        "name": company.name,
        "names": "\n".join(x for x in (names, legal_rest) if x),
        "name_folded": names,
        "name_edge": names,
        "content": "\n".join(
            x for x in (sector, company.city, company.region, company.description, contacts) if x
        ),
        "sector": sector or None,
        "city": company.city or None,
        "sector_slug": company.sector.slug if company.sector else None,
        "region_key": company.region or None,
        "letter": grade.letter if grade else None,
        "grade20": grade.grade20 if grade else None,
        "sort_grade": grade.grade20 if grade and grade.grade20 is not None else -1.0,
        "sort_score": score.score if score is not None else -1.0,
        "sort_closed": 1 if company.closed_at is not None else 0,
        "closed": "1" if company.closed_at is not None else None,
        "answered_france": "1" if answered_france else None,
    }
    return {k: v for k, v in doc.items() if v is not None}


def all_ids(session: Session) -> list[int]:
    """Every indexed company id (all but the merged ones), ascending."""
    stmt = select(Company.id).where(Company.merged_into_id.is_(None)).order_by(Company.id)
    return list(session.scalars(stmt))


def iter_documents(session: Session, ids: list[int], chunk: int = CHUNK) -> Iterator[dict]:
    """The documents of `ids` (those that exist), loaded `chunk` companies at a time."""
    today = date.today()
    for start in range(0, len(ids), chunk):
        part = ids[start : start + chunk]
        docs = documents_for(session, part, today)
        yield from (docs[i] for i in part if i in docs)
        session.expunge_all()  # keep memory flat over 100k companies


def db_stamps(session: Session) -> dict[int, str]:
    """{company id: stamp} for the whole database (for `verify`)."""
    ids = all_ids(session)
    found = {}
    for start in range(0, len(ids), CHUNK):
        part = ids[start : start + CHUNK]
        companies = session.scalars(select(Company).where(Company.id.in_(part))).all()
        stats = {
            s.company_id: s
            for s in session.scalars(select(CompanyStats).where(CompanyStats.company_id.in_(part)))
        }
        grades = latest_grades(session, part)
        for c in companies:
            found[c.id] = stamp(c, stats.get(c.id), grades.get(c.id))
        session.expunge_all()
    return found
