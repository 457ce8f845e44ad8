"""All models, imported here so that Alembic and the app see every table."""

from .admin import AdminAction, CompanyMerge, SectorNafCode, Suggestion
from .audit import (
    AuditCampaign,
    AuditGrade,
    AuditTest,
    CampaignAuditor,
    CampaignCompany,
    CampaignSector,
    Methodology,
    Publication,
    PublicationSignature,
)
from .company import (
    Company,
    CompanyBucket,
    CompanyChannelStats,
    CompanyDeclaration,
    CompanyStats,
    ContactCentre,
    ContactPoint,
    Membership,
    Sector,
)
from .dsa import Appeal, IllegalNotice
from .notification import CompanyFollow, NotificationOptOut
from .outbox import OutboundMail
from .review import (
    Invitation,
    ModerationDecision,
    Reply,
    ReplyRevision,
    Report,
    Review,
    ReviewBand,
    ReviewRevision,
    ReviewSignal,
)
from .search import SearchChange, SearchCursor
from .sirene import SireneImport
from .user import LoginAttempt, User, UserRole, UserSession

__all__ = [
    "AdminAction",
    "CompanyMerge",
    "SectorNafCode",
    "Suggestion",
    "Appeal",
    "IllegalNotice",
    "AuditCampaign",
    "AuditGrade",
    "AuditTest",
    "CampaignAuditor",
    "CampaignCompany",
    "CampaignSector",
    "Company",
    "CompanyBucket",
    "CompanyChannelStats",
    "CompanyFollow",
    "CompanyDeclaration",
    "CompanyStats",
    "ContactCentre",
    "ContactPoint",
    "Invitation",
    "LoginAttempt",
    "Membership",
    "Methodology",
    "ModerationDecision",
    "NotificationOptOut",
    "OutboundMail",
    "Publication",
    "PublicationSignature",
    "Reply",
    "ReplyRevision",
    "Report",
    "Review",
    "ReviewBand",
    "ReviewRevision",
    "ReviewSignal",
    "SearchChange",
    "SearchCursor",
    "Sector",
    "SireneImport",
    "User",
    "UserRole",
    "UserSession",
]
