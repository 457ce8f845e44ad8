"""Independence of audits: nobody audits a company they represent, checked at every step.

One question, "does this person represent a company this campaign covers?", asked for the
person acting at each step (creating a campaign, entering, importing or deleting a test,
submitting, approving or refusing, reopening), because memberships change between steps.
Its mirror on the company side: an auditor of a campaign not yet published does not become
a representative of a company it covers (claim, admin acceptance, colleague invitation).
"""

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import Session

from ..models import (
    AuditCampaign,
    AuditTest,
    CampaignAuditor,
    CampaignCompany,
    Company,
    Membership,
    User,
)
from ..msgids import N_

UNPUBLISHED = ("draft", "submitted")


def conflicts(session: Session, user_ids, company_ids) -> list[tuple[User, Company]]:
    """(auditor, company) pairs where the auditor actively represents the company."""
    rows = session.execute(
        select(User, Company)
        .join(Membership, Membership.user_id == User.id)
        .join(Company, Company.id == Membership.company_id)
        .where(
            Membership.status == "active",
            Membership.user_id.in_(list(user_ids)),
            Membership.company_id.in_(list(company_ids)),
        )
        .order_by(User.pseudonym, Company.name)
    ).all()
    return [(user, company) for user, company in rows]


def conflict_reasons(pairs, field_name: str) -> list[tuple[str, str]]:
    """(field, message) for each (auditor, company) conflict."""
    return [
        (
            field_name,
            N_(
                "%(auditor)s représente %(company)s, couverte par cette campagne : "
                "un auditeur ne peut pas auditer une entreprise qu'il représente.",
                auditor=user.pseudonym,
                company=company.name,
            ),
        )
        for user, company in pairs
    ]


def authors_of_tests(session: Session, campaign: AuditCampaign) -> set[int]:
    """Ids of everyone who entered a test of the campaign."""
    return set(
        session.scalars(
            select(AuditTest.auditor_id).where(AuditTest.campaign_id == campaign.id).distinct()
        )
    )


def independence_problems(
    session: Session, campaign: AuditCampaign, user_ids, field_name: str = ""
) -> list[tuple[str, str]]:
    """Why these people may not act on `campaign`: each one's active representation of a
    company it covers, as (field, message); empty when they are independent of it."""
    company_ids = session.scalars(
        select(CampaignCompany.company_id).where(CampaignCompany.campaign_id == campaign.id)
    ).all()
    return conflict_reasons(conflicts(session, set(user_ids), company_ids), field_name)


def audits_unpublished(session: Session, user_id: int, company_id: int) -> bool:
    """The user wrote, or is assigned to, a campaign not yet published that covers the company."""
    unpublished = (
        select(AuditCampaign.id)
        .join(CampaignCompany, CampaignCompany.campaign_id == AuditCampaign.id)
        .where(CampaignCompany.company_id == company_id, AuditCampaign.status.in_(UNPUBLISHED))
    )
    assigned = exists().where(
        CampaignAuditor.user_id == user_id, CampaignAuditor.campaign_id.in_(unpublished)
    )
    authored = exists().where(AuditCampaign.author_id == user_id, AuditCampaign.id.in_(unpublished))
    return bool(session.scalar(select(or_(assigned, authored))))


def representation_problem(
    session: Session, user: User, company: Company, *, deciding_admin: bool = False
) -> str | None:
    """Why `user` may not become a representative of `company` now, as the person asking
    (or, with deciding_admin, as the administrator deciding) reads it; None when they may."""
    if not audits_unpublished(session, user.id, company.id):
        return None
    if deciding_admin:
        return N_(
            "%(name)s est auditeur d'une campagne non publiée qui couvre %(company)s : "
            "la demande ne peut pas être acceptée avant la publication de cette campagne "
            "(indépendance des audits).",
            name=user.pseudonym,
            company=company.name,
        )
    return N_(
        "Vous êtes auditeur d'une campagne non publiée qui couvre %(company)s : vous ne "
        "pouvez pas représenter cette entreprise avant la publication de cette campagne "
        "(indépendance des audits).",
        company=company.name,
    )
