"""Nobody takes someone else's published review offline (DESIGN, "Rules people rely on").

Each attack goes through the real service: a copied text, a burst on a small company, a
shared network. The original stays published and counted in the score (the summary agrees
with `scores recompute --check`), the new submission is held, the original is flagged for a
moderator with a link to it; only a moderator removes, and the author is then told why.
"""

import random
from datetime import timedelta

from sqlalchemy import select

from bench import fraud_texts
from rating.db import utcnow
from rating.models import CompanyStats, OutboundMail, Review, ReviewSignal
from rating.moderation.services import decide_review, moderation_queue
from rating.reviews import lifecycle, reports, services, signals
from rating.scores.recompute import recompute
from tests.factories import World, make_company, make_user
from tests.helpers import login
from tests.security.conftest import review_draft


def genuine_body(n: int) -> str:
    text = fraud_texts.genuine_text(random.Random(n), "banque", "Banque X", "phone", 4, "yes")[1]
    return f"Avis numéro {n} : {text}"


def counted(session, company_id: int) -> tuple[int, int]:
    """(published count, reviews in the score's window), after a full recompute check."""
    assert recompute(session, check=True) == []
    row = session.get(CompanyStats, company_id)
    session.refresh(row)
    return row.review_count, row.window_count


def flags_of(session, review_id: int) -> list[tuple[str, int | None]]:
    return list(
        session.execute(
            select(ReviewSignal.code, ReviewSignal.linked_review_id).where(
                ReviewSignal.review_id == review_id,
                ReviewSignal.action == "flag",
                ReviewSignal.cleared_at.is_(None),
            )
        )
    )


def test_a_copy_of_a_published_review_is_held_and_the_original_stays_online(session):
    original_company = make_company(session)
    now = utcnow()
    original, _ = services.submit_review(
        session, make_user(session), original_company, review_draft(genuine_body(1)),
        now=now - timedelta(days=2),
    )  # fmt: skip
    assert original.status == "published"
    # A new account copies title and text, on another company.
    attacker = make_user(session)
    attacker.created_at = now - timedelta(hours=1)
    copy, verdict = services.submit_review(
        session, attacker, make_company(session), review_draft(genuine_body(1)), now=now
    )
    assert verdict.decision == signals.HOLD and copy.status == "pending"
    session.refresh(original)
    assert original.status == "published"
    assert counted(session, original_company.id) == (1, 1)
    assert flags_of(session, original.id) == [("duplicate_text", copy.id)]
    # The moderator sees the original, flagged, with the link to the copy.
    item = next(i for i in moderation_queue(session) if i.review.id == original.id)
    assert [linked for _, linked in item.flags] == [copy.id]
    assert item.signals == []  # it is not held: no hold signal of its own
    # Its author may still edit it: the later copy does not make the original a suspect.
    verdict = services.edit_review(
        session, original, original.author, review_draft(genuine_body(1) + " Merci encore.")
    )
    assert verdict.decision == signals.PUBLISH and original.status == "published"


def test_a_burst_on_a_small_company_holds_only_the_new_review(session):
    company = make_company(session)
    now = utcnow()
    earlier = []
    for n in range(5):
        review, _ = services.submit_review(
            session, make_user(session), company, review_draft(genuine_body(n)),
            now=now - timedelta(hours=6 - n),
        )  # fmt: skip
        earlier.append(review)
    assert {r.status for r in earlier} == {"published"}
    sixth, verdict = services.submit_review(
        session, make_user(session), company, review_draft(genuine_body(9)), now=now
    )
    assert verdict.decision == signals.HOLD and sixth.status == "pending"
    for review in earlier:
        session.refresh(review)
        assert review.status == "published"
        assert flags_of(session, review.id) == [("company_burst", sixth.id)]
    assert counted(session, company.id) == (5, 5)
    # Another burst submission flags nothing twice.
    services.submit_review(
        session, make_user(session), company, review_draft(genuine_body(10)), now=now
    )
    assert all(len(flags_of(session, r.id)) == 1 for r in earlier)


def test_a_shared_network_holds_only_the_new_review(session):
    company = make_company(session)
    now = utcnow()
    earlier = [
        services.submit_review(
            session,
            make_user(session),
            company,
            review_draft(genuine_body(20 + n)),
            network_key="reseau-mobile",
            now=now - timedelta(days=3 - n),
        )[0]  # fmt: skip
        for n in range(2)
    ]
    third, verdict = services.submit_review(
        session, make_user(session), company, review_draft(genuine_body(30)),
        network_key="reseau-mobile", now=now,
    )  # fmt: skip
    assert verdict.decision == signals.HOLD and third.status == "pending"
    assert [s.code for s in third.hold_signals] == ["same_network"]
    for review in earlier:
        session.refresh(review)
        assert review.status == "published"
        assert flags_of(session, review.id) == [("same_network", third.id)]
    assert counted(session, company.id) == (2, 2)


def test_a_report_flags_and_never_holds(session):
    review, _ = services.submit_review(
        session, make_user(session), make_company(session), review_draft(genuine_body(40))
    )
    reports.report_review(session, review, make_user(session), "insults")
    session.refresh(review)
    assert review.status == "published"
    assert review.id in {item.review.id for item in moderation_queue(session)}


def test_a_moderator_removes_a_flagged_review_and_its_author_is_told(app, session):
    company = make_company(session)
    author = make_user(session, locale="en")
    now = utcnow()
    original, _ = services.submit_review(
        session, author, company, review_draft(genuine_body(50)), now=now - timedelta(days=1)
    )
    copy, _ = services.submit_review(
        session, make_user(session), make_company(session), review_draft(genuine_body(50))
    )
    moderator = make_user(session, roles=("moderator",))
    decide_review(session, original, moderator, "remove", reason="duplicate")
    assert original.status == "removed"
    assert flags_of(session, original.id) == []  # decided: out of the queue
    assert original.id not in {item.review.id for item in moderation_queue(session)}
    sent = session.scalars(select(OutboundMail).where(OutboundMail.user_id == author.id)).all()
    assert len(sent) == 1
    assert sent[0].subject == "Your review has been removed"
    assert "Duplicate of another review" in sent[0].body
    assert "http://localhost/mes-avis" in sent[0].body
    assert copy.status == "pending"
    # "Mes avis" says so too.
    email = author.email
    session.commit()
    client = app.test_client()
    login(client, email)
    page = client.get("/mes-avis?lang=fr").get_data(as_text=True)
    assert "Retiré par la modération" in page
    assert "Doublon d&#39;un autre avis" in page


def test_keeping_a_flagged_review_clears_its_flags(session):
    world = World(session)
    company = world.company()
    first, _ = services.submit_review(
        session, world.user(), company, review_draft(genuine_body(60)),
        now=utcnow() - timedelta(hours=2),
    )  # fmt: skip
    services.submit_review(session, world.user(), world.company(), review_draft(genuine_body(60)))
    assert flags_of(session, first.id)
    decide_review(session, first, world.user(roles=("moderator",)), "keep")
    assert first.status == "published" and flags_of(session, first.id) == []
    assert lifecycle.open_flags(session, [first.id]) == {}
    assert session.scalar(select(Review.status).where(Review.id == first.id)) == "published"
