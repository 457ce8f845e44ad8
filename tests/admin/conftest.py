"""An administrator, a second one, shoppers and companies, signed in through the real forms."""

from dataclasses import dataclass

import pytest
from sqlalchemy import select

from rating.db import get_session
from rating.models import OutboundMail
from tests.factories import World
from tests.helpers import login


@dataclass
class People:
    admin_id: int
    other_admin_id: int
    shopper_id: int
    sector_id: int


@pytest.fixture
def people(app) -> People:
    db = app.extensions["rating.db.write"]()
    w = World(db)
    sector = w.sector(slug="banque", name="Banque")
    admin = w.user(email="admin@example.org", pseudonym="Admine", roles=("admin",))
    other = w.user(email="admin2@example.org", pseudonym="Admin_Deux", roles=("admin",))
    shopper = w.user(email="cliente@example.org", pseudonym="Cliente", locale="en")
    found = People(admin.id, other.id, shopper.id, sector.id)
    w.commit()
    db.close()
    return found


@pytest.fixture
def admin(app, people):
    """A browser signed in as the administrator."""
    client = app.test_client()
    assert login(client, "admin@example.org").status_code == 302
    return client


def mails(app, to: str) -> list[OutboundMail]:
    with app.app_context():
        stmt = select(OutboundMail).where(OutboundMail.recipient == to).order_by(OutboundMail.id)
        return list(get_session().scalars(stmt))
