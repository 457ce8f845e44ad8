"""Single-use invitation links a representative gives its customers (reviews *sur invitation*)."""

import csv
import io
import secrets
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from rating.db import utcnow
from rating.models import Company, Invitation, User

from . import screening
from .services import NotAllowed, token_hash

VALID_DAYS = 90
MAX_BATCH = 1000


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
    created = []
    for reference in references[:MAX_BATCH]:
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
    """CSV of (reference, link) for the company's mailing tool."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["reference", "lien"])
    for reference, token in rows:
        writer.writerow([reference, url_for_token(token)])
    return out.getvalue()
