"""Claiming a company: domain proof at once, the admin queue otherwise, decisions by mail."""

import html
import logging

from rating.claims import rules
from tests.claims.conftest import mails, memberships, signed_in, token
from tests.helpers import post_form

LONG = "Je suis responsable du service client de la Banque Exemple, agence de Lyon."


def claim(client, slug, justification=""):
    url = f"/companies/{slug}/claim"
    return post_form(client, url, {"justification": justification})


def test_address_at_a_subdomain_makes_a_representative_at_once(app, world):
    client = signed_in(app, world.insider)
    page = client.get(f"/companies/{world.bank}/claim").text
    assert "acceptée immédiatement" in page
    response = claim(client, world.bank)
    assert response.status_code == 303
    assert response.location.endswith(f"/dashboard/{world.bank}/team")
    mine = [m for m in memberships(app, world.bank_id) if m.method == "domain" and m.id > 2]
    assert len(mine) == 1 and mine[0].status == "active" and mine[0].decided_at is not None
    assert client.get(f"/dashboard/{world.bank}/team").status_code == 200


def test_lookalike_domain_goes_to_the_queue_with_a_required_justification(app, world):
    client = signed_in(app, world.lookalike)
    page = client.get(f"/companies/{world.bank}/claim").text
    assert "un administrateur examinera votre demande" in page
    response = claim(client, world.bank, "Je bosse là.")
    assert response.status_code == 422
    assert "au moins 30 caractères" in response.text and "Je bosse là." in response.text
    assert len(memberships(app, world.bank_id)) == 1  # only the existing representative
    response = claim(client, world.bank, LONG)
    assert response.status_code == 303
    pending = memberships(app, world.bank_id)[-1]
    assert (pending.status, pending.method, pending.justification) == ("pending", "admin", LONG)
    assert client.get(f"/dashboard/{world.bank}/team").status_code == 403
    page = html.unescape(client.get(f"/companies/{world.bank}").text)
    assert "Votre demande est en attente" in page


def test_admin_accepts_from_the_queue_and_the_user_is_told(app, world, caplog):
    claim(signed_in(app, world.lookalike), world.bank, LONG)
    admin = signed_in(app, world.admin)
    queue = html.unescape(admin.get("/admin/claims").text)
    assert "Faux_Banquier demande à représenter Banque Exemple" in queue
    assert "evilbank.fr" in queue and world.lookalike not in queue  # the domain, not the address
    assert LONG in queue
    claim_id = memberships(app, world.bank_id)[-1].id
    caplog.set_level(logging.INFO, logger="rating.audit_log")
    response = post_form(
        admin, f"/admin/claims/{claim_id}", {"decision": "accept", "reason": ""},
        form_url="/admin/claims",
    )  # fmt: skip
    assert response.status_code == 303
    decided = memberships(app, world.bank_id)[-1]
    assert decided.status == "active" and decided.decided_by_id is not None
    assert f"claim accept membership #{claim_id}" in caplog.text
    assert world.lookalike not in caplog.text
    (message,) = mails(app, world.lookalike)
    assert "acceptée" in message.subject and "Banque Exemple" in message.body
    assert f"/dashboard/{world.bank}/team" in message.body


def test_queue_shows_the_oldest_claim_first(app, world):
    claim(signed_in(app, world.lookalike), world.bank, LONG)
    claim(signed_in(app, world.shopper), world.other, LONG.replace("Banque Exemple", "banque"))
    queue = html.unescape(signed_in(app, world.admin).get("/admin/claims").text)
    assert "2 demandes en attente" in queue
    assert queue.index("Faux_Banquier demande") < queue.index("Camille_L demande")


def test_admin_refusal_needs_a_reason_which_is_mailed(app, world):
    claim(signed_in(app, world.lookalike), world.bank, LONG)
    claim_id = memberships(app, world.bank_id)[-1].id
    admin = signed_in(app, world.admin)
    url = f"/admin/claims/{claim_id}"
    response = post_form(admin, url, {"decision": "refuse", "reason": ""})
    assert response.status_code == 422
    assert "Indiquez le motif de la décision" in html.unescape(response.text)
    assert memberships(app, world.bank_id)[-1].status == "pending"
    reason = "Aucun lien avec la banque n'a pu être vérifié"
    assert post_form(admin, url, {"decision": "refuse", "reason": reason}).status_code == 303
    refused = memberships(app, world.bank_id)[-1]
    assert (refused.status, refused.decision_reason) == ("refused", reason)
    (message,) = mails(app, world.lookalike)
    assert "n'est pas acceptée" in message.subject and reason in message.body
    again = post_form(admin, url, {"decision": "accept", "reason": ""})
    assert again.status_code == 422 and rules.ALREADY_DECIDED in html.unescape(again.text)


def test_refused_user_may_claim_again_on_the_same_row(app, world):
    client = signed_in(app, world.lookalike)
    claim(client, world.bank, LONG)
    first = memberships(app, world.bank_id)[-1]
    admin = signed_in(app, world.admin)
    post_form(admin, f"/admin/claims/{first.id}", {"decision": "refuse", "reason": "Pas prouvé"})
    assert claim(client, world.bank, LONG + " Attestation jointe.").status_code == 303
    again = memberships(app, world.bank_id)[-1]
    assert again.id == first.id and again.status == "pending" and again.decision_reason is None


def test_a_second_claim_gets_a_message_and_no_duplicate(app, world):
    client = signed_in(app, world.lookalike)
    claim(client, world.bank, LONG)
    response = claim(client, world.bank, LONG)
    assert response.status_code == 422 and "déjà en attente" in html.unescape(response.text)
    assert len(memberships(app, world.bank_id)) == 2
    rep = signed_in(app, world.rep)
    page = html.unescape(rep.get(f"/companies/{world.bank}/claim").text)
    assert rules.ALREADY_ACTIVE in page and "<textarea" not in page


def test_unverified_user_is_sent_to_confirm_the_address(app, world):
    client = signed_in(app, world.unverified)
    assert client.get(f"/companies/{world.bank}/claim").status_code == 302
    csrf = token(client)
    response = client.post(f"/companies/{world.bank}/claim", data={"csrf_token": csrf})
    assert response.status_code == 302 and response.location == "/verification"
    assert len(memberships(app, world.bank_id)) == 1


def test_an_admin_cannot_accept_their_own_claim(app, world):
    admin = signed_in(app, world.admin)
    claim(admin, world.bank, LONG)
    own = memberships(app, world.bank_id)[-1]
    response = post_form(admin, f"/admin/claims/{own.id}", {"decision": "accept", "reason": ""})
    assert response.status_code == 422 and rules.OWN_CLAIM in html.unescape(response.text)
    assert memberships(app, world.bank_id)[-1].status == "pending"


def test_revocation_is_mailed_and_a_new_claim_goes_to_an_admin(app, world):
    rep_id = memberships(app, world.bank_id)[0].id
    admin = signed_in(app, world.admin)
    page = html.unescape(admin.get(f"/admin/companies/{world.bank}/representatives").text)
    assert "Service_Banque" in page and "bank.fr" in page
    url = f"/admin/companies/{world.bank}/representatives/{rep_id}/revoke"
    assert post_form(admin, url, {"reason": ""}).status_code == 422
    assert post_form(admin, url, {"reason": "A quitté la banque"}).status_code == 303
    assert memberships(app, world.bank_id)[0].status == "revoked"
    (message,) = mails(app, world.rep)
    assert "retiré" in message.subject and "A quitté la banque" in message.body
    rep = signed_in(app, world.rep)
    assert rep.get(f"/dashboard/{world.bank}/team").status_code == 403
    assert claim(rep, world.bank, LONG).status_code == 303  # at bank.fr, yet queued
    assert memberships(app, world.bank_id)[0].status == "pending"


def test_company_page_offers_the_claim_link(app, world, client):
    page = html.unescape(client.get(f"/companies/{world.bank}").text)
    assert "Vous représentez cette entreprise ?" in page
    assert f'href="/companies/{world.bank}/claim"' in page
