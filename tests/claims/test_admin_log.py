"""The claims queue's decisions are in the administrators' log (/admin/log): who decided,
whose representation of which company, the status before and after, the reason."""

import html

from sqlalchemy import select

from rating.models import AdminAction
from tests.claims.conftest import memberships, signed_in
from tests.claims.test_claims import LONG, claim
from tests.helpers import post_form


def entries(app) -> list[AdminAction]:
    with app.extensions["rating.db.read"]() as session:
        return list(session.scalars(select(AdminAction).order_by(AdminAction.id)))


def log_page(admin) -> str:
    return html.unescape(admin.get("/admin/log").text)


def test_an_accepted_claim_is_in_the_admin_log(app, world):
    claim(signed_in(app, world.lookalike), world.bank, LONG)
    claim_id = memberships(app, world.bank_id)[-1].id
    admin = signed_in(app, world.admin)
    post_form(admin, f"/admin/claims/{claim_id}", {"decision": "accept", "reason": ""})
    (entry,) = entries(app)
    assert (entry.action, entry.target_type, entry.target_id) == (
        "claim_accepted", "membership", claim_id,
    )  # fmt: skip
    assert (entry.before, entry.after) == ({"status": "pending"}, {"status": "active"})
    page = log_page(admin)
    assert "Demande de représentation acceptée" in page
    assert "Faux_Banquier — Banque Exemple" in page and "par Admin_Obs" in page


def test_a_refusal_and_its_reason_are_in_the_admin_log(app, world):
    claim(signed_in(app, world.lookalike), world.bank, LONG)
    claim_id = memberships(app, world.bank_id)[-1].id
    admin = signed_in(app, world.admin)
    reason = "Aucun lien avec la banque n'a pu être vérifié"
    post_form(admin, f"/admin/claims/{claim_id}", {"decision": "refuse", "reason": reason})
    (entry,) = entries(app)
    assert (entry.action, entry.reason) == ("claim_refused", reason)
    assert (entry.before, entry.after) == ({"status": "pending"}, {"status": "refused"})
    page = log_page(admin)
    assert "Demande de représentation refusée" in page and f"Motif : {reason}" in page


def test_a_revocation_is_in_the_admin_log(app, world):
    rep_id = memberships(app, world.bank_id)[0].id
    admin = signed_in(app, world.admin)
    url = f"/admin/companies/{world.bank}/representatives/{rep_id}/revoke"
    post_form(admin, url, {"reason": "A quitté la banque"})
    (entry,) = entries(app)
    assert (entry.action, entry.target_id, entry.reason) == (
        "representative_revoked", rep_id, "A quitté la banque",
    )  # fmt: skip
    assert (entry.before, entry.after) == ({"status": "active"}, {"status": "revoked"})
    page = log_page(admin)
    assert "Accès de représentant retiré" in page and "Service_Banque — Banque Exemple" in page


def test_a_refused_decision_writes_no_log_entry(app, world):
    claim(signed_in(app, world.lookalike), world.bank, LONG)
    claim_id = memberships(app, world.bank_id)[-1].id
    admin = signed_in(app, world.admin)
    response = post_form(admin, f"/admin/claims/{claim_id}", {"decision": "refuse", "reason": ""})
    assert response.status_code == 422
    assert entries(app) == []
