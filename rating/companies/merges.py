"""The companies merged into one, as its page shows them: name, date and frozen audit grades.

Published grades are signed and immutable, so they stay under the merged company; this is
how the surviving page still shows them (rating.admin.merge does the merging).
"""

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import AuditGrade, Company, CompanyMerge, Publication


@dataclass(frozen=True)
class FrozenGrade:
    period: str
    letter: str | None
    grade20: float | None
    publication_id: int


@dataclass(frozen=True)
class MergeRecord:
    name: str
    siren: str | None
    merged_at: datetime
    grades: list[FrozenGrade] = field(default_factory=list)  # newest publication first


def merge_records(session: Session, company_id: int) -> list[MergeRecord]:
    """The companies merged into `company_id`, oldest merge first (two queries)."""
    rows = session.execute(
        select(CompanyMerge.merged_id, CompanyMerge.created_at, Company.name, Company.siren)
        .join(Company, Company.id == CompanyMerge.merged_id)
        .where(CompanyMerge.survivor_id == company_id)
        .order_by(CompanyMerge.created_at, CompanyMerge.id)
    ).all()
    if not rows:
        return []
    grades: dict[int, list[FrozenGrade]] = {}
    stmt = (
        select(AuditGrade)
        .join(Publication, Publication.id == AuditGrade.publication_id)
        .where(AuditGrade.company_id.in_([r[0] for r in rows]))
        .order_by(Publication.published_at.desc(), Publication.id.desc())
    )
    for g in session.scalars(stmt):
        grades.setdefault(g.company_id, []).append(
            FrozenGrade(g.period, g.letter, g.grade20, g.publication_id)
        )
    return [MergeRecord(name, siren, at, grades.get(mid, [])) for mid, at, name, siren in rows]
