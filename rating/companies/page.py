"""The company page's data, built in one place by calling each feature by name.

`company_page` gathers what every visitor sees (the company and its contact points, the
community score, the audit section, the declared-profile history, one page of reviews, the
badge snippet); `viewer_part` what depends on who looks (the companies they represent,
their claim on this one, whether they administer the site, whether they follow it). The
template renders plain values from both; nothing is added to the page behind its back, so a
wrong name fails a test instead of hiding a section. The page's queries are counted here
(tests/companies) and do not grow with the number of reviews.

The two parts are kept apart so that the visitor-independent body is cached once for
everyone as a fragment and only the viewer's part computed per request (rating.pagecache:
the template's slots read the `Viewer` values, nothing else of the visitor).
"""

from dataclasses import asdict, dataclass, field
from datetime import date

from sqlalchemy.orm import Session

from rating.audit.summary import company_audit_summary
from rating.claims.queries import HistoryLine, declaration_history
from rating.models import Company, User
from rating.notifications.services import follows
from rating.palmares.pages import BadgeEmbed, badge_embed
from rating.reviews import community
from rating.scores import read

from . import services
from .merges import MergeRecord, merge_records


@dataclass(frozen=True)
class CompanyPage:
    """What every visitor of the company page sees, for one set of review filters."""

    company: Company
    community: dict  # rating.reviews.community.community_summary (score from scores.read)
    audit: dict | None  # rating.audit.summary.company_audit_summary; None: never audited
    declarations: list[HistoryLine]
    reviews: community.ReviewPage
    badge: BadgeEmbed
    calls: read.CompanyCalls  # where calls are answered, figures per channel
    merges: list[MergeRecord] = field(default_factory=list)  # duplicates merged into it


@dataclass(frozen=True)
class Viewer:
    """What depends on the person looking at the page."""

    represented: set[int] = field(default_factory=set)  # companies they represent
    claim_status: str | None = None  # their membership of this company, if any
    is_admin: bool = False
    following: bool | None = None  # follows the company ("Suivre"); None: not signed in

    def values(self) -> dict:
        """What the page's slots read (rating.pagecache `viewer`)."""
        return asdict(self)


def company_page(
    session: Session, slug: str, filters: dict, page: int, today: date | None = None
) -> CompanyPage | None:
    """The public data of the company `slug` (None when there is none)."""
    company = services.company_by_slug(session, slug)
    if company is None:
        return None
    today = today or date.today()
    summary = community.community_summary(session, company.id, today)
    return CompanyPage(
        company=company,
        community=summary,
        audit=company_audit_summary(session, company.id, community=summary["score"]),
        declarations=declaration_history(session, company.id),
        reviews=community.reviews_page(session, company.id, filters, page, summary=summary),
        badge=badge_embed(company),
        calls=read.company_calls(
            session,
            company.id,
            [c.country for c in company.contact_centres],
            today,
            summary=summary["stored"],
        ),
        merges=merge_records(session, company.id),
    )


def viewer_part(company_id: int, user: User | None) -> Viewer:
    """The viewer's own part of the page (an anonymous visitor has none). Reads the user's
    memberships (loaded with the user, the header's menu reads them too) and one small
    query straight on the driver."""
    if user is None:
        return Viewer()
    status = next((m.status for m in user.memberships if m.company_id == company_id), None)
    return Viewer(
        represented=user.represented_company_ids(),
        claim_status=status,
        is_admin=user.has_role("admin"),
        following=follows(user.id, company_id),
    )
