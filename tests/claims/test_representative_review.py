"""A shopper who becomes a representative keeps no live review of the company (DESIGN,
"Rules people rely on"): the review stays online, labelled "auteur devenu représentant",
out of the score, until the membership ends; they never reply to it nor mark it solved."""

import pytest
from sqlalchemy import select

from rating.claims import links, services
from rating.models import CompanyStats, Membership
from rating.reviews import replies
from rating.reviews import services as reviews
from rating.reviews.services import NotAllowed, ReviewRejected
from rating.scores.recompute import recompute
from tests.factories import World


def score_line(session, company_id: int) -> tuple[int, int, int]:
    """(published count, reviews in the score's window, 5-star count), checked against rows."""
    assert recompute(session, check=True) == []
    row = session.get(CompanyStats, company_id)
    session.refresh(row)
    return row.review_count, row.window_count, row.stars_5


@pytest.fixture
def shop(session):
    """A company with two published reviews; one by a shopper at the company's domain."""
    w = World(session)
    company = w.company(website_domain="boutique.fr")
    shopper = w.user(email="client@boutique.fr")
    own = w.review(author=shopper, company=company, stars=5)
    w.review(company=company, stars=1)
    w.commit()
    return w, company, shopper, own


def test_claim_by_domain_takes_the_review_out_of_the_score_and_labels_it(app, session, shop):
    w, company, shopper, own = shop
    assert score_line(session, company.id) == (2, 2, 1)
    services.claim_company(session, shopper, company, "")
    assert own.flag == "author_representative" and own.status == "published"
    assert score_line(session, company.id) == (2, 1, 0)  # in the ledger, out of the score
    page = app.test_client().get(f"/companies/{company.slug}").get_data(as_text=True)
    assert "Auteur devenu représentant" in page
    # Leaving the company lifts the flag: the review counts again.
    services.leave_company(session, shopper, company)
    assert own.flag is None
    assert score_line(session, company.id) == (2, 2, 1)


def test_admin_acceptance_and_revocation(app, session, shop):
    w, company, shopper, own = shop
    shopper.email = "client@ailleurs.example"
    admin = w.user(roles=("admin",))
    membership = w.claim(shopper, company, "Je travaille au service client depuis mars.")
    w.commit()
    with app.test_request_context():  # the decision's mail links to the site
        services.decide_claim(session, membership, admin, "accept", "")
    assert own.flag == "author_representative"
    assert score_line(session, company.id) == (2, 1, 0)
    with app.test_request_context():
        services.decide_claim(session, membership, admin, "revoke", "A quitté l'entreprise.")
    assert own.flag is None
    assert score_line(session, company.id) == (2, 2, 1)


def test_colleague_invitation_flags_the_review(app, session, shop):
    w, company, shopper, own = shop
    colleague = w.user()
    w.represent(colleague, company)
    w.commit()
    token = links.make_invitation(company.id, colleague.id, shopper.email)
    assert services.accept_invitation(session, shopper, links.read_invitation(token))
    assert own.flag == "author_representative"
    assert score_line(session, company.id) == (2, 1, 0)


def test_a_representative_never_replies_to_nor_marks_their_own_review(session, shop):
    w, company, shopper, own = shop
    colleague = w.user()
    w.represent(colleague, company)
    w.reply(own, colleague)
    w.commit()
    services.claim_company(session, shopper, company, "")
    assert not replies.can_reply(session, shopper, own)
    with pytest.raises(NotAllowed):
        replies.reply_to_review(session, own, shopper, "Merci pour ce retour très complet.")
    with pytest.raises(NotAllowed):
        replies.edit_reply(session, own.reply, shopper, "Réponse modifiée par moi-même.")
    with pytest.raises(ReviewRejected):
        reviews.set_solved_after_reply(session, own, shopper, True)
    assert own.solved_after_reply is None
    # The colleague still answers it.
    assert replies.can_reply(session, colleague, own)
    assert session.scalar(select(Membership.status).where(Membership.user_id == shopper.id)) == (
        "active"
    )
