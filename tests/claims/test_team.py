"""Colleagues: invitation by mail, accepted only by the invited address; leaving the team."""

import html

import pytest

from rating.auth import tokens
from rating.claims import rules
from tests.claims.conftest import link_in, mails, memberships, signed_in, token
from tests.factories import make_user
from tests.helpers import post_form

COLLEAGUE = "collegue@bank.fr"


@pytest.fixture
def colleague(db, world):
    make_user(db, email=COLLEAGUE, pseudonym="Collegue_Banque")
    db.commit()
    return COLLEAGUE


def invite(client, slug, email):
    url = f"/dashboard/{slug}/team/invite"
    return post_form(client, url, {"email": email}, form_url=f"/dashboard/{slug}/team")


def invitation_link(app, world, email=COLLEAGUE) -> str:
    rep = signed_in(app, world.rep)
    assert invite(rep, world.bank, email).status_code == 303
    return link_in(mails(app, email)[-1].body, f"/companies/{world.bank}/join/")


def test_team_page_lists_representatives_and_pending_claims(app, world):
    claimant = signed_in(app, world.lookalike)
    post_form(claimant, f"/companies/{world.bank}/claim", {"justification": "x" * 40})
    page = html.unescape(signed_in(app, world.rep).get(f"/dashboard/{world.bank}/team").text)
    assert "Service_Banque" in page and "(vous)" in page
    assert "Faux_Banquier (evilbank.fr)" in page
    assert "Equipe_Autre" not in page  # another company's representative


def test_invited_colleague_joins_through_the_mailed_link(app, world, colleague):
    link = invitation_link(app, world)
    (message,) = mails(app, COLLEAGUE)
    assert "Service_Banque" in message.body and "valable 7 jours" in message.body
    assert "collegue" not in link  # the address is bound by a keyed fingerprint, not shown
    client = signed_in(app, COLLEAGUE)
    page = client.get(link)
    assert page.status_code == 200 and "Rejoindre l'équipe" in html.unescape(page.text)
    response = post_form(client, link, {})
    assert response.status_code == 303
    joined = memberships(app, world.bank_id)[-1]
    assert (joined.status, joined.method) == ("active", "invitation")
    assert client.get(f"/dashboard/{world.bank}/team").status_code == 200
    replay = post_form(client, link, {}, follow_redirects=True)  # single use in effect
    assert rules.ALREADY_ACTIVE in html.unescape(replay.text)
    assert len(memberships(app, world.bank_id)) == 2


def test_someone_else_cannot_use_the_link(app, world, colleague):
    link = invitation_link(app, world)
    intruder = signed_in(app, world.shopper)
    page = intruder.get(link)
    assert page.status_code == 403 and "une autre adresse e-mail" in html.unescape(page.text)
    csrf = token(intruder)
    assert intruder.post(link, data={"csrf_token": csrf}).status_code == 403
    assert len(memberships(app, world.bank_id)) == 1


def test_anonymous_visitor_is_asked_to_sign_in_first(app, world, colleague):
    link = invitation_link(app, world)
    response = app.test_client().get(link)
    assert response.status_code == 302 and response.location.startswith("/login?next=")


def test_expired_and_tampered_links_get_a_clear_page(app, world, colleague, monkeypatch):
    link = invitation_link(app, world)
    client = signed_in(app, COLLEAGUE)
    tampered = link[:-3] + ("AAA" if not link.endswith("AAA") else "BBB")
    page = client.get(tampered)
    assert page.status_code == 400 and "n'est pas valide" in html.unescape(page.text)
    other_company = link.replace(f"/companies/{world.bank}/", f"/companies/{world.other}/")
    assert client.get(other_company).status_code == 400
    later = tokens.clock() + rules.INVITATION_MAX_AGE + 5
    monkeypatch.setattr(tokens, "clock", lambda: later)
    page = client.get(link)
    assert page.status_code == 410 and "a expiré" in html.unescape(page.text)
    assert len(memberships(app, world.bank_id)) == 1


def test_invitation_checks_and_rate_limit(app, world):
    rep = signed_in(app, world.rep)
    response = invite(rep, world.bank, "pas-une-adresse")
    assert response.status_code == 422 and "adresse e-mail valide" in html.unescape(response.text)
    response = invite(rep, world.bank, world.rep)
    assert response.status_code == 422 and "déjà" in html.unescape(response.text)
    statuses = [invite(rep, world.bank, f"c{n}@bank.fr").status_code for n in range(6)]
    assert statuses == [303] * 5 + [429]


def test_leaving_ends_the_access_and_old_links(app, world, colleague, monkeypatch):
    link = invitation_link(app, world)
    client = signed_in(app, COLLEAGUE)
    post_form(client, link, {})
    start = tokens.clock()
    monkeypatch.setattr(tokens, "clock", lambda: start + 60)  # a minute later
    leave = f"/dashboard/{world.bank}/team/leave"
    response = post_form(client, leave, {}, form_url=f"/dashboard/{world.bank}/team")
    assert response.status_code == 303
    assert memberships(app, world.bank_id)[-1].status == "left"
    assert client.get(f"/dashboard/{world.bank}/team").status_code == 403
    assert client.get(f"/dashboard/{world.bank}/profile").status_code == 403
    page = html.unescape(client.get(f"/companies/{world.bank}").text)
    assert "Demander à représenter Banque Exemple" in page
    stale = client.get(link)  # issued before leaving
    assert stale.status_code == 403 and rules.SUPERSEDED in html.unescape(stale.text)
    fresh = invitation_link(app, world)
    monkeypatch.setattr(tokens, "clock", lambda: start + 120)
    assert post_form(client, fresh, {}).status_code == 303
    assert memberships(app, world.bank_id)[-1].status == "active"
