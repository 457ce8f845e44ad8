"""Builders for audit tests: auditors, sectors of companies, campaigns and CSV files of tests."""

import itertools
from datetime import timedelta

from rating.audit import decisions, services
from rating.db import utcnow
from rating.models import Company, User, UserRole
from tests.factories import make_company, make_sector, make_user

_n = itertools.count(1)
HEADER = (
    "company_slug,channel,performed_at,scenario,reached,wait_seconds,response_hours,"
    "courtesy,understanding,accuracy,notes"
)


def auditor(session, *, password: bool = False, roles=("auditor",)) -> User:
    """An auditor; without a password unless a view test must sign in (argon2 is slow)."""
    if password:
        return make_user(session, roles=roles)
    n = next(_n)
    user = User(pseudonym=f"auditrice{n}", email=f"auditrice{n}@example.org")
    user.email_verified_at = utcnow() - timedelta(days=30)
    user.roles = [UserRole(role=role) for role in roles]
    session.add(user)
    session.flush()
    return user


def sector_with(session, count: int, prefix: str = "societe"):
    """A sector holding `count` companies."""
    sector = make_sector(session)
    companies = [
        make_company(session, sector=sector, slug=f"{prefix}-{sector.id}-{i}") for i in range(count)
    ]
    return sector, companies


def campaign(session, author, sectors, per_sector=2, auditors=(), period="2026-T4", seed="graine"):
    """A draft campaign drawn from `sectors` through the service."""
    draft = services.CampaignDraft(
        period=period,
        methodology_version="v1",
        sector_ids=[s.id for s in sectors],
        per_sector=per_sector,
        auditor_ids=[a.id for a in auditors],
        seed=seed,
    )
    return services.create_campaign(session, author, draft)


def row(slug, channel, *, reached=True, wait="", hours="", c=4, u=4, a=2, notes="", when=None):
    """One CSV line; the measure defaults to a fast answer of the channel."""
    when = when or "2026-10-14T10:00"
    if reached and channel in ("phone", "chat") and wait == "":
        wait = 30
    if reached and channel in ("email", "social") and hours == "":
        hours = "0.5"
    scores = (c, u, a) if reached else ("", "", "")
    flag = "oui" if reached else "non"
    return (
        f"{slug},{channel},{when},Question sur une facture,{flag},{wait},{hours},"
        f"{scores[0]},{scores[1]},{scores[2]},{notes}"
    )


def csv_file(rows) -> str:
    return "\n".join([HEADER, *rows]) + "\n"


def full_rows(slug, **overrides) -> list[str]:
    """20 tests over phone (10) and e-mail (10): enough for a publishable grade."""
    return [row(slug, "phone", **overrides)] * 10 + [row(slug, "email", **overrides)] * 10


def publish(session, campaign_obj, author, reviewer, rows=None, reason=""):
    """Import tests (a full set for each company by default), submit and approve."""
    if rows is None:
        rows = [r for cc in campaign_obj.companies for r in full_rows(_slug(session, cc))]
    services.import_tests(session, campaign_obj, author, csv_file(rows))
    decisions.submit_campaign(session, campaign_obj, author)
    return decisions.approve_campaign(session, campaign_obj, reviewer, reason)


def _slug(session, campaign_company):
    return session.get(Company, campaign_company.company_id).slug
