"""Logs: no password, token, e-mail link or session cookie in any log line (all loggers, DEBUG),
and a line for every login, authorisation refusal, moderation decision and audit decision."""

import logging

import pytest

from rating.audit import decisions
from rating.models import Membership
from tests.audit.builders import auditor, campaign, publish, sector_with
from tests.auth.conftest import last_link, post, register
from tests.factories import make_company, make_user
from tests.security.conftest import SECRET, sign_in

PASSWORDS = (
    "sentinelle-inscription-7Qz",
    "sentinelle-reinitialisation-8Rw",
    "sentinelle-changement-9Sx",
    "sentinelle-erronee-0Ty",
)
EMAIL = "temoin@example.org"


@pytest.fixture
def everything(caplog):
    """Every record of every logger, DEBUG and up."""
    caplog.set_level(logging.DEBUG)
    for name in ("rating", "flask_wtf", "werkzeug"):
        caplog.set_level(logging.DEBUG, logger=name)
    return caplog


def cookies(client) -> list[str]:
    return [c.value for c in client._cookies.values() if len(c.value) >= 16]


def token_of(link: str) -> str:
    return link.rstrip("/").rsplit("/", 1)[-1]


def lines(caplog, logger: str) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == logger]


def test_account_journey_leaves_no_secret_in_the_logs(app, everything):
    first, second, third, wrong = PASSWORDS
    client = app.test_client()
    secrets = [*PASSWORDS]
    assert register(client, EMAIL, password=first).status_code == 302
    verify = last_link(app, EMAIL, "/verify/")
    secrets += [verify, token_of(verify)]
    assert post(client, verify).status_code == 302
    assert sign_in(client, EMAIL, first).status_code == 302
    secrets += cookies(client)
    assert post(client, "/logout", form_url="/account").status_code == 302
    assert sign_in(client, EMAIL, wrong).status_code == 422

    assert post(client, "/reset", {"email": EMAIL}).status_code == 302
    reset = last_link(app, EMAIL, "/reset/")
    secrets += [reset, token_of(reset)]
    assert post(client, reset, {"password": second, "confirm": second}).status_code == 302
    remembered = app.test_client()  # "stay signed in": the remember cookie is a secret too
    data = {"email": EMAIL, "password": second, "remember": "y"}
    assert post(remembered, "/login", data).status_code == 302
    secrets += cookies(remembered)
    change = {"current_password": second, "new_password": third, "confirm": third}
    assert post(remembered, "/account/password", change, form_url="/account").status_code == 302
    secrets += cookies(remembered)
    assert post(remembered, "/logout", form_url="/account").status_code == 302

    records = everything.records
    text = "\n".join(
        [everything.text] + [f"{r.getMessage()} {r.args!r} {r.exc_text or ''}" for r in records]
    )
    assert len(records) >= 8 and len(secrets) >= 10
    assert [secret for secret in set(secrets) if secret in text] == []
    assert EMAIL not in text
    security = "\n".join(lines(everything, "rating.security"))
    for event in ("registration", "e-mail verified", "login succeeded", "login failed",
                  "logout", "password reset", "password changed"):  # fmt: skip
        assert event in security, event


def test_refusals_and_decisions_are_logged(app, world, db, everything):
    shopper = make_user(db, email="client@example.org", password=SECRET)
    elsewhere = make_company(db)
    db.commit()
    client = app.test_client()
    assert sign_in(client, shopper.email).status_code == 302
    # Three kinds of refusal: a role, another author's review, another company's pages.
    assert client.get("/moderation").status_code == 403
    assert client.get(f"/reviews/{world.review_id}/edit").status_code == 403
    assert client.get(f"/companies/{world.company}/invitations").status_code == 403
    refusals = [m for m in lines(everything, "rating.security") if "refused" in m]
    assert len(refusals) >= 3
    assert all(f"user #{shopper.id}" in m for m in refusals)

    boss = app.test_client()
    sign_in(boss, world.boss_email)
    decided = post(boss, f"/moderation/reviews/{world.pending_id}", {"decision": "publish"},
                   form_url="/moderation")  # fmt: skip
    assert decided.status_code == 302
    assert any(
        f"publish review #{world.pending_id}" in m for m in lines(everything, "rating.audit_log")
    )

    sector, _ = sector_with(db, 2)
    author, reviewer = auditor(db), auditor(db)
    camp = campaign(db, author, [sector])
    publication = publish(db, camp, author, reviewer)
    decisions.reopen_campaign(db, camp, author)
    audit = "\n".join(lines(everything, "rating.audit_log"))
    assert f"campaign #{camp.id} submitted by auditor #{author.id}" in audit
    assert f"approved by auditor #{reviewer.id}: publication #{publication.id}" in audit
    assert f"campaign #{camp.id} reopened" in audit
    assert elsewhere.id and db.get(Membership, 1) is not None
