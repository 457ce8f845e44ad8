"""Builders for audit rows used by the constraint tests (no test here)."""

from rating.models import (
    AuditCampaign,
    CampaignCompany,
    Methodology,
    Publication,
)
from tests.factories import make_company, make_user


def make_methodology(session, version="v1"):
    methodology = session.get(Methodology, version)
    if methodology is None:
        methodology = Methodology(version=version, title="Méthodologie", parameters="{}")
        session.add(methodology)
        session.flush()
    return methodology


def make_campaign(session, **overrides):
    make_methodology(session)
    author = make_user(session, roles=("auditor",))
    fields = {
        "period": "2026-T4",
        "methodology_version": "v1",
        "seed": "42",
        "sample_size": 1,
        "author_id": author.id,
    }
    fields.update(overrides)
    campaign = AuditCampaign(**fields)
    campaign.companies = [CampaignCompany(company_id=make_company(session).id, draw_rank=1)]
    session.add(campaign)
    session.flush()
    return campaign


def make_publication(session, sequence=1):
    campaign = make_campaign(session, status="published")
    publication = Publication(
        sequence=sequence,
        campaign_id=campaign.id,
        period=campaign.period,
        methodology_version="v1",
        approved_by_id=make_user(session, roles=("auditor",)).id,
        grades_json="[]",
        tests_json="[]",
        grades_sha256="0" * 64,
        tests_sha256="0" * 64,
        previous_hash="0" * 64,
        chain_hash=f"{sequence:064d}",
    )
    session.add(publication)
    session.flush()
    return publication
