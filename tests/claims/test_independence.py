"""An auditor of a campaign not yet published does not become a representative of a company
it covers: claim by domain, administrator's acceptance and colleague invitation are refused
with the reason (DESIGN "Independence of audits")."""

import html

import pytest

from rating.models import Company
from tests import factories
from tests.claims.conftest import link_in, mails, memberships, signed_in
from tests.helpers import post_form

LONG = "Je suis responsable du service client de la Banque Exemple, agence de Lyon."
REFUSED = "Vous êtes auditeur d'une campagne non publiée qui couvre Banque Exemple"
REFUSED_EN = "You are an auditor of an unpublished campaign covering Banque Exemple"
ADMIN_REFUSED = "Enqueteur_Banque est auditeur d'une campagne non publiée qui couvre"


@pytest.fixture
def auditing(db, world):
    """A draft campaign covering the bank, by an auditor whose address is at bank.fr, with
    a second auditor (at example.org) assigned; `publish()` publishes it."""
    w = factories.World(db)
    bank = db.get(Company, world.bank_id)
    author = w.user(email="enqueteur@bank.fr", pseudonym="Enqueteur_Banque", roles=("auditor",))
    second = w.user(email="seconde@example.org", pseudonym="Seconde_Aud", roles=("auditor",))
    reviewer = w.auditor()
    campaign = w.campaign(author, [bank.sector], per_sector=2, auditors=[second])
    w.commit()

    def publish():
        w.publish(campaign, author, reviewer)
        w.commit()

    return {"author": author.email, "second": second.email, "publish": publish}


def _claim(client, slug, justification=""):
    return post_form(client, f"/companies/{slug}/claim", {"justification": justification})


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def test_a_domain_claim_by_an_auditor_of_the_company_is_refused_until_publication(
    app, world, auditing
):
    client = signed_in(app, auditing["author"])
    page = client.get(f"/companies/{world.bank}/claim")
    assert REFUSED in _text(page)  # said before anything is typed
    response = _claim(client, world.bank)
    assert response.status_code in (200, 422) and REFUSED in _text(response)
    english = post_form(client, f"/companies/{world.bank}/claim?lang=en", {"justification": ""})
    assert REFUSED_EN in _text(english)
    assert len(memberships(app, world.bank_id)) == 1  # the representative alone
    auditing["publish"]()
    response = _claim(client, world.bank)
    assert response.status_code == 303  # the rule lasts until the campaign is published
    assert len(memberships(app, world.bank_id)) == 2


def test_an_admin_cannot_accept_the_claim_of_an_auditor_of_the_company(app, world, db):
    w = factories.World(db)
    bank = db.get(Company, world.bank_id)
    claimant = w.user(email="enquete@example.org", pseudonym="Enqueteur_Banque")
    w.claim(claimant, bank, LONG)  # asked before being an auditor of a campaign on the bank
    claimant.roles = [*claimant.roles, factories.UserRole(role="auditor")]
    w.campaign(w.auditor(), [bank.sector], per_sector=2, auditors=[claimant])
    w.commit()
    claim_id = memberships(app, world.bank_id)[-1].id
    admin = signed_in(app, world.admin)
    response = post_form(
        admin, f"/admin/claims/{claim_id}", {"decision": "accept", "reason": ""},
        form_url="/admin/claims",
    )  # fmt: skip
    assert response.status_code == 422 and ADMIN_REFUSED in _text(response)
    assert memberships(app, world.bank_id)[-1].status == "pending"
    assert mails(app, "enquete@example.org") == []


def test_an_auditor_of_the_company_cannot_join_its_team_by_invitation(app, world, auditing):
    rep = signed_in(app, world.rep)
    invite = post_form(
        rep, f"/dashboard/{world.bank}/team/invite", {"email": auditing["second"]},
        form_url=f"/dashboard/{world.bank}/team",
    )  # fmt: skip
    assert invite.status_code == 303
    link = link_in(mails(app, auditing["second"])[-1].body, f"/companies/{world.bank}/join/")
    auditor = signed_in(app, auditing["second"])
    page = auditor.get(link)
    assert page.status_code == 403 and REFUSED in _text(page)
    assert REFUSED_EN in _text(auditor.get(f"{link}?lang=en"))
    response = post_form(auditor, link, {}, form_url=f"/companies/{world.bank}")
    assert response.status_code == 403
    assert len(memberships(app, world.bank_id)) == 1  # the representative alone
