"""The demo step: a declared-profile history that matches the rows, and claims to decide."""

import pytest
from sqlalchemy import func, select

from rating.claims.declared import field_text
from rating.claims.demo import claims_demo
from rating.claims.profile import declared_of
from rating.db import get_session
from rating.demo import loader
from rating.models import Company, CompanyDeclaration, Membership


@pytest.fixture
def demo(app, monkeypatch):
    """A small demo world (5 %) with only this step, and cheap password hashes."""
    monkeypatch.setattr(loader, "_password_hash", lambda password: f"test-hash-{len(password)}")
    monkeypatch.setattr(loader, "_extra_steps", [claims_demo])
    with app.app_context():
        loader.load(get_session(), loader.build_world(scale=0.05))
    return app


def test_demo_has_pending_claims_and_a_consistent_history(demo):
    with demo.app_context():
        session = get_session()
        pending = session.scalars(select(Membership).where(Membership.status == "pending")).all()
        assert len(pending) == 2 and all(len(m.justification) >= 30 for m in pending)
        fields = session.scalars(select(CompanyDeclaration.field).distinct()).all()
        assert {"contact_points", "contact_centres", "description"} <= set(fields)
        latest = (
            select(CompanyDeclaration.company_id, func.max(CompanyDeclaration.id))
            .where(CompanyDeclaration.field == "contact_points")
            .group_by(CompanyDeclaration.company_id)
        )
        for company_id, declaration_id in session.execute(latest):
            company = session.get(Company, company_id)
            last = session.get(CompanyDeclaration, declaration_id)
            assert last.new_value == field_text(declared_of(company), "contact_points")
            newest = session.scalar(
                select(func.max(CompanyDeclaration.created_at)).where(
                    CompanyDeclaration.company_id == company_id
                )
            )
            assert company.declared_at == newest  # the page shows the latest change
