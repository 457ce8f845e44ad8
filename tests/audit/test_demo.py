"""The demo audits load through the real services and pass `audit verify`."""

import random

from sqlalchemy import select

from rating.audit.demo import load_audit_demo
from rating.models import AuditCampaign, Publication
from tests.audit.builders import auditor, sector_with


def test_demo_campaigns(session, runner, client):
    companies_by_sector = {}
    for prefix in ("banque", "telecom", "energie", "assurance", "transport"):
        sector, companies = sector_with(session, 5, prefix=prefix)
        companies_by_sector[sector.slug] = companies
    auditors = [auditor(session) for _ in range(3)]
    session.commit()
    made = load_audit_demo(session, random.Random(7), auditors, companies_by_sector)
    session.commit()
    statuses = sorted(c.status for c in session.scalars(select(AuditCampaign)))
    assert statuses == ["draft", "published", "published"] and len(made) == 3
    publications = session.scalars(select(Publication).order_by(Publication.sequence)).all()
    assert len(publications) == 3 and publications[-1].supersedes_id == publications[1].id
    assert len({c.company_id for c in made[0].companies}) == 16  # 4 sectors × 4 companies
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    letters = {i["letter"] for i in client.get("/api/v1/grades").get_json()["items"]}
    assert len(letters) >= 2  # varied grades, not all alike
