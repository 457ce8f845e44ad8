"""What a stranger needs to recompute a publication: every field its chain hash covers,
the methodology parameters, the frozen draw, the signature and the keys (read model)."""

import json
from datetime import UTC

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import AuditCampaign, Methodology, Publication, PublicationSignature
from . import signing
from .publishing import metadata


def signature_of(session: Session, publication_id: int) -> PublicationSignature | None:
    return session.get(PublicationSignature, publication_id)


def _draw(session: Session, publication: Publication) -> dict | None:
    """The frozen draw a v2 publication's hash covers (None before draws froze)."""
    if publication.draw_sha256 is None:
        return None
    campaign = session.get(AuditCampaign, publication.campaign_id)
    return json.loads(campaign.draw_json) if campaign and campaign.draw_json else None


def publication_detail(session: Session, publication: Publication) -> dict:
    """The publication with the exact metadata hashed into its chain hash."""
    methodology = session.get(Methodology, publication.methodology_version)
    signature = signature_of(session, publication.id)
    return {
        "id": publication.id,
        "sequence": publication.sequence,
        "chain_version": publication.chain_version,
        "campaign_id": publication.campaign_id,
        "period": publication.period,
        "methodology": publication.methodology_version,
        "published_at": publication.published_at.astimezone(UTC).isoformat(),
        "supersedes_id": publication.supersedes_id,
        "correction_reason": publication.correction_reason,
        "grades_sha256": publication.grades_sha256,
        "tests_sha256": publication.tests_sha256,
        "previous_hash": publication.previous_hash,
        "chain_hash": publication.chain_hash,
        "chain_metadata": metadata(publication, methodology.parameters),
        "methodology_parameters": json.loads(methodology.parameters),
        "draw": _draw(session, publication),
        "signature": signature.signature if signature else None,
        "public_key": signature.public_key if signature else None,
    }


def head(session: Session) -> dict | None:
    """The newest publication: sequence, chain hash, its signature and date."""
    last = session.scalars(
        select(Publication).order_by(Publication.sequence.desc()).limit(1)
    ).first()
    if last is None:
        return None
    signature = signature_of(session, last.id)
    return {
        "sequence": last.sequence,
        "chain_hash": last.chain_hash,
        "signature": signature.signature if signature else None,
        "published_at": last.published_at.astimezone(UTC).isoformat(),
    }


def public_keys() -> dict:
    """Every key that signs or signed publications, with the sequences it covers."""
    return {
        "algorithm": signing.ALGORITHM,
        "signed_message": "chain_hash (64 caractères hexadécimaux ASCII)",
        "keys": signing.published_keys(signing.app_ring()),
    }
