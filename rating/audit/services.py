"""Audit use cases: campaign and draw, tests, submission, four-eyes approval, publication.

Each public function is one use case and commits once at its end; business refusals
come back as AuditRejected((field, message), ...) and permission refusals as AuditForbidden.
"""

import re
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..db import utcnow
from ..models import (
    AuditCampaign,
    AuditTest,
    CampaignAuditor,
    CampaignCompany,
    CampaignSector,
    Company,
    Methodology,
    Sector,
    User,
)
from .chain import canonical_json, sha256_hex
from .draw import draw_record, new_seed
from .independence import conflict_reasons, conflicts, independence_problems
from .methodology import VERSIONS
from .publishing import campaign_company_slugs
from .testrows import AuditTestDraft, parse_csv, validate_draft

PERIOD_RE = re.compile(r"^\d{4}-T[1-4]$")
MAX_PER_SECTOR = 50


class AuditRejected(Exception):
    """A business rule refused the action: (field, French message) pairs."""

    def __init__(self, reasons: list[tuple[str, str]]):
        super().__init__(reasons)
        self.reasons = reasons


class AuditForbidden(Exception):
    """The user may not do this on this campaign (→ 403)."""


class ImportRejected(Exception):
    """A CSV file refused whole: every bad row as (line number, reason)."""

    def __init__(self, errors: list[tuple[int, str]]):
        super().__init__(errors)
        self.errors = errors


@dataclass(frozen=True)
class CampaignDraft:
    period: str
    methodology_version: str
    sector_ids: list[int]
    per_sector: int
    auditor_ids: list[int] = field(default_factory=list)
    title: str = ""
    seed: str | None = None


def ensure_methodology(session: Session, version: str) -> Methodology | None:
    """The stored version; a version this code defines is stored on first use (adds, flushes)."""
    row = session.get(Methodology, version)
    if row is None and version in VERSIONS:
        spec = VERSIONS[version]
        row = Methodology(
            version=version, title=spec["title"], parameters=canonical_json(spec["parameters"])
        )
        session.add(row)
        session.flush()
    return row


def create_campaign(session: Session, author: User, draft: CampaignDraft) -> AuditCampaign:
    """Validate, draw the companies from the seed, assign the auditors (author included)."""
    reasons = []
    if not PERIOD_RE.match(draft.period.strip()):
        reasons.append(("period", "Période au format AAAA-T1 à AAAA-T4, par exemple 2026-T4."))
    if ensure_methodology(session, draft.methodology_version) is None:
        reasons.append(("methodology_version", "Version de méthodologie inconnue."))
    if not 1 <= draft.per_sector <= MAX_PER_SECTOR:
        reasons.append(("per_sector", f"Entre 1 et {MAX_PER_SECTOR} entreprises par secteur."))
    sectors = session.scalars(select(Sector).where(Sector.id.in_(draft.sector_ids))).all()
    if not sectors or len(sectors) != len(set(draft.sector_ids)):
        reasons.append(("sector_ids", "Choisissez au moins un secteur existant."))
    auditor_ids = {author.id, *draft.auditor_ids}
    auditors = session.scalars(select(User).where(User.id.in_(auditor_ids))).all()
    if len(auditors) != len(auditor_ids) or not all(u.has_role("auditor") for u in auditors):
        reasons.append(("auditor_ids", "Seuls des auditeurs peuvent être affectés."))
    if reasons:
        raise AuditRejected(reasons)
    seed = (draft.seed or "").strip() or new_seed()
    companies = session.execute(
        select(Sector.slug, Company.slug, Company.id)
        .join(Company, Company.sector_id == Sector.id)
        .where(Sector.id.in_(draft.sector_ids))
    ).all()
    slugs_by_sector = {s.slug: [] for s in sectors}
    ids = {}
    for sector_slug, company_slug, company_id in companies:
        slugs_by_sector[sector_slug].append(company_slug)
        ids[company_slug] = company_id
    record = draw_record(seed, slugs_by_sector, draft.per_sector)
    drawn = [ids[slug] for _, slug in record["drawn"]]
    if not drawn:
        raise AuditRejected([("sector_ids", "Aucune entreprise dans ces secteurs.")])
    pairs = conflicts(session, auditor_ids, drawn)
    if pairs:
        raise AuditRejected(conflict_reasons(pairs, "auditor_ids"))
    campaign = AuditCampaign(
        period=draft.period.strip(),
        title=draft.title.strip()[:200],
        methodology_version=draft.methodology_version,
        seed=seed,
        sample_size=draft.per_sector,
        author_id=author.id,
        status="draft",
        draw_json=canonical_json(record),
        draw_sha256=sha256_hex(canonical_json(record)),
    )
    campaign.sectors = [CampaignSector(sector_id=s.id) for s in sectors]
    campaign.companies = [
        CampaignCompany(company_id=cid, draw_rank=rank) for rank, cid in enumerate(drawn, 1)
    ]
    campaign.auditors = [CampaignAuditor(user_id=uid) for uid in sorted(auditor_ids)]
    session.add(campaign)
    session.commit()
    return campaign


def is_assigned(campaign: AuditCampaign, user) -> bool:
    return user.has_role("auditor") and any(a.user_id == user.id for a in campaign.auditors)


def can_see(campaign: AuditCampaign, user) -> bool:
    """A draft (its tests and notes) is for its assigned auditors only; once submitted, every
    auditor sees the campaign, as any of them may be the second pair of eyes."""
    return user.has_role("auditor") and (campaign.status != "draft" or is_assigned(campaign, user))


def require_independent(session: Session, campaign: AuditCampaign, user_ids) -> None:
    """Refuse when one of these people represents a company the campaign covers, today."""
    reasons = independence_problems(session, campaign, user_ids)
    if reasons:
        raise AuditRejected(reasons)


def require_draft_editor(session: Session, campaign: AuditCampaign, user) -> None:
    """An assigned auditor, independent of the campaign's companies, on a draft."""
    if not is_assigned(campaign, user):
        raise AuditForbidden("Seuls les auditeurs affectés à la campagne y saisissent des tests.")
    if campaign.status != "draft":
        raise AuditRejected([("", "La campagne n'est plus en brouillon : tests non modifiables.")])
    require_independent(session, campaign, [user.id])


def _new_test(campaign: AuditCampaign, user: User, draft: AuditTestDraft) -> AuditTest:
    scores = {n: getattr(draft, n) or 0 for n in ("courtesy", "understanding", "accuracy")}
    return AuditTest(
        campaign_id=campaign.id,
        company_id=draft.company_id,
        auditor_id=user.id,
        channel=draft.channel,
        performed_at=draft.performed_at,
        scenario=draft.scenario.strip(),
        reached=draft.reached,
        wait_seconds=draft.wait_seconds,
        response_hours=draft.response_hours,
        notes=draft.notes.strip(),
        answered_from=draft.answered_from,
        answered_country=draft.answered_country,
        transfers=draft.transfers,
        **scores,
    )


def add_test(session: Session, campaign: AuditCampaign, user: User, draft: AuditTestDraft):
    """Store one test entered by an assigned auditor in a draft campaign."""
    require_draft_editor(session, campaign, user)
    reasons = validate_draft(draft, utcnow())
    if draft.company_id not in campaign_company_slugs(session, campaign).values():
        reasons.insert(0, ("company_id", "Cette entreprise n'est pas dans la campagne."))
    if reasons:
        raise AuditRejected(reasons)
    test = _new_test(campaign, user, draft)
    session.add(test)
    session.commit()
    return test


def import_tests(session: Session, campaign: AuditCampaign, user: User, text: str) -> int:
    """Store every row of a CSV file, or none: any bad row refuses the whole file."""
    require_draft_editor(session, campaign, user)
    drafts, errors = parse_csv(text, campaign_company_slugs(session, campaign), utcnow())
    if errors:
        raise ImportRejected(errors)
    session.add_all(_new_test(campaign, user, draft) for draft in drafts)
    session.commit()
    return len(drafts)


def delete_test(session: Session, campaign: AuditCampaign, user: User, test_id: int) -> None:
    """Remove a mistaken test while the campaign is a draft (published tests stay frozen)."""
    require_draft_editor(session, campaign, user)
    test = session.get(AuditTest, test_id)
    if test is None or test.campaign_id != campaign.id:
        raise AuditRejected([("", "Test introuvable dans cette campagne.")])
    session.delete(test)
    session.commit()
