"""Single-use invitation links a representative gives its customers (reviews *sur invitation*)."""

import secrets
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from rating.csvfile import csv_text
from rating.db import utcnow
from rating.models import Company, Invitation, User
from rating.msgids import N_

from . import screening
from .services import NotAllowed, ReviewRejected, token_hash

VALID_DAYS = 90
MAX_BATCH = 1000
# Links a company may create in 24 hours, counted in the database (every worker, every host).
MAX_PER_DAY = 3000


def create_invitations(
    session: Session,
    company: Company,
    rep: User,
    references: list[str],
    *,
    batch: str | None = None,
    now: datetime | None = None,
) -> list[tuple[str, str]]:
    """Create one link per reference; return (reference, token). Tokens are never stored."""
    if not screening.represents(session, rep.id, company.id):
        raise NotAllowed("not a representative of this company")
    now = now or utcnow()
    references = references[:MAX_BATCH]
    recent = select(func.count(Invitation.id)).where(
        Invitation.company_id == company.id, Invitation.created_at > now - timedelta(days=1)
    )
    if (session.scalar(recent) or 0) + len(references) > MAX_PER_DAY:
        raise ReviewRejected(
            [
                (
                    "references",
                    N_(
                        "Au plus %(limit)s liens par 24 heures pour une entreprise : "
                        "réessayez demain ou envoyez moins de liens.",
                        limit=MAX_PER_DAY,
                    ),
                )
            ]
        )
    created = []
    for reference in references:
        token = secrets.token_urlsafe(24)
        session.add(
            Invitation(
                company_id=company.id,
                created_by_id=rep.id,
                token_hash=token_hash(token),
                batch=batch,
                reference=reference[:120],
                created_at=now,
                expires_at=now + timedelta(days=VALID_DAYS),
            )
        )
        created.append((reference, token))
    session.commit()
    return created


def invitations_csv(rows: list[tuple[str, str]], url_for_token) -> str:
    """CSV of (reference, link) for the company's mailing tool (references neutralised)."""
    return csv_text([("reference", "lien"), *((ref, url_for_token(t)) for ref, t in rows)])
