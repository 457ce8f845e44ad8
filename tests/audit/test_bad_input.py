"""Input no auditor means, refused with a French message and a 400, never a 500: numbers
Decimal reads but nobody means (sNaN, NaN, Infinity), dates of the year 1 or 9999, and NUL
characters inside an uploaded CSV (PostgreSQL refuses them in text)."""

import io
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from rating.audit.testrows import PARIS, AuditTestDraft, parse_csv, validate_draft
from rating.models import AuditTest
from tests.conftest import csrf_token
from tests.factories import World, csv_file, row
from tests.helpers import login, post_form

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _fast_hashing(fast_hashing):
    """argon2id with tiny costs: input is tested, not hashing."""


@pytest.fixture
def drafted(db):
    w = World(db)
    sector, companies = w.sector_with(2, prefix="banque")
    author = w.auditor(password=True)
    camp = w.campaign(author, [sector], per_sector=1)
    w.commit()
    slug = {c.id: c.slug for c in companies}[camp.companies[0].company_id]
    return {"url": f"/audit/campaigns/{camp.id}", "email": author.email, "slug": slug,
            "company_id": camp.companies[0].company_id}  # fmt: skip


def _count(db) -> int:
    db.rollback()
    return db.scalar(select(func.count()).select_from(AuditTest))


def _email_test(company_id, **overrides) -> dict:
    data = {
        "email-company_id": str(company_id),
        "email-performed_at": "2026-10-14T09:30",
        "email-scenario": "Contester une facture",
        "email-reached": "y",
        "email-response_hours": "5",
        "email-courtesy": "3",
        "email-understanding": "4",
        "email-accuracy": "2",
    }
    return {**data, **overrides}


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("email-response_hours", "sNaN", "Nombre attendu, par exemple 3,5."),
        ("email-response_hours", "NaN", "Nombre attendu, par exemple 3,5."),
        ("email-response_hours", "-Infinity", "Nombre attendu, par exemple 3,5."),
        ("email-performed_at", "0001-01-01T00:00", "La date du test doit être entre 2000"),
        ("email-performed_at", "9999-12-31T23:59", "La date du test doit être entre 2000"),
    ],
)
def test_the_test_form_refuses_what_nobody_means(client, db, drafted, field, value, message):
    login(client, drafted["email"])
    url = drafted["url"]
    data = _email_test(drafted["company_id"], **{field: value})
    response = post_form(client, f"{url}/tests/email", data, form_url=url)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True).replace("&#39;", "'")
    assert _count(db) == 0


def _upload(client, url, content: bytes):
    token = csrf_token(client, url)
    return client.post(
        f"{url}/import",
        data={"csrf_token": token, "file": (io.BytesIO(content), "tests.csv")},
        content_type="multipart/form-data",
    )


@pytest.mark.parametrize(
    "line, message",
    [
        ("{slug},email,2026-10-14T10:00,Question,oui,,sNaN,4,4,2,", "response_hours"),
        ("{slug},email,2026-10-14T10:00,Question,oui,,nan,4,4,2,", "Valeur hors limites"),
        ("{slug},email,2026-10-14T10:00,Question,oui,,inf,4,4,2,", "Valeur hors limites"),
        ("{slug},email,0001-01-01T00:00,Question,oui,,1,4,4,2,", "entre 2000"),
        ("{slug},email,9999-12-31T23:59-14:00,Question,oui,,1,4,4,2,", "entre 2000"),
        ("{slug},email,2026-10-14T10:00,Quest\x00ion,oui,,1,4,4,2,", "caractère nul"),
        ("{slug},email,2026-10-14T10:00,Question,oui,,1,4,4,2,not\x00es", "caractère nul"),
    ],
)
def test_the_csv_import_refuses_what_nobody_means(client, db, drafted, line, message):
    login(client, drafted["email"])
    good = row(drafted["slug"], "phone")
    content = csv_file([good, line.format(slug=drafted["slug"])]).encode()
    response = _upload(client, drafted["url"], content)
    page = response.get_data(as_text=True).replace("&#39;", "'")
    assert response.status_code == 400
    assert message in page and "ligne 3" in page
    assert _count(db) == 0


def test_the_rules_alone():
    """The pure rules, without an app: what the form and the import both rely on."""
    draft = AuditTestDraft(
        company_id=1, channel="email", performed_at=datetime(1, 1, 1, tzinfo=PARIS),
        scenario="Question", reached=True, response_hours=1.0, courtesy=4, understanding=4,
        accuracy=2,
    )  # fmt: skip
    assert [field for field, _ in validate_draft(draft, NOW)] == ["performed_at"]
    drafts, errors = parse_csv("\x00\x00binary", {"s": 1}, NOW)
    assert drafts == [] and errors[0][0] == 1 and "nul" in errors[0][1]
