"""Digital Services Act: notices from anyone (art. 16), one appeal decided by another
moderator (art. 20), and a statement of reasons in every decision (art. 17)."""

import re

from sqlalchemy import select

from rating.db import get_session
from rating.models import Appeal, IllegalNotice, OutboundMail, Review
from rating.moderation import services as moderation
from tests.conftest import csrf_token
from tests.factories import World
from tests.helpers import login

EXPLANATION = "Cet avis accuse nommément un salarié de vol, sans aucune preuve."


def _world(app):
    with app.app_context():
        w = World(get_session())
        company = w.company()
        author = w.user(email="auteur@example.org")
        first = w.user(email="mod1@example.org", roles=("moderator",))
        second = w.user(email="mod2@example.org", roles=("moderator",))
        review = w.review(author=author, company=company)
        w.commit()
        return {"review": review.id, "author": author.id, "first": first.id, "second": second.id}


def _signed_in(app, email):
    client = app.test_client()
    assert login(client, email).status_code == 302
    return client


def _mails(app, to):
    with app.app_context():
        return list(get_session().scalars(select(OutboundMail).where(OutboundMail.recipient == to)))


def _decide(
    client, url, outcome, ground="law", explanation="Propos diffamatoires visant un salarié."
):
    token = csrf_token(client, "/moderation")
    data = {"csrf_token": token, "outcome": outcome, "ground": ground, "explanation": explanation}
    return client.post(url, data=data)


def test_anonymous_notice_queue_decision_and_notifier_mail(app, client):
    ids = _world(app)
    page = client.get(f"/reviews/{ids['review']}")
    assert "Signaler un contenu illicite" in page.get_data(as_text=True)
    url = f"/reviews/{ids['review']}/illicite"
    form = {"csrf_token": csrf_token(client, url), "category": "defamation",
            "explanation": EXPLANATION, "email": "temoin@example.org"}  # fmt: skip
    refused = client.post(url, data=form)  # no good-faith statement
    assert refused.status_code == 200 and "obligatoire" in refused.get_data(as_text=True)
    assert client.post(url, data={**form, "good_faith": "y"}).status_code == 302
    with app.app_context():
        notice = get_session().scalar(select(IllegalNotice))
        assert notice.status == "open" and notice.notifier_id is None
        assert get_session().get(Review, ids["review"]).status == "published"  # stays online
    mod = _signed_in(app, "mod1@example.org")
    queue = mod.get("/moderation").get_data(as_text=True)
    assert EXPLANATION in queue and "Diffamation ou injure" in queue
    assert _decide(mod, f"/moderation/notices/{notice.id}", "upheld").status_code == 302
    with app.app_context():
        assert get_session().get(Review, ids["review"]).status == "removed"
    (told,) = _mails(app, "temoin@example.org")
    assert "Fondé" in told.body and "Contenu illicite au regard de la loi" in told.body
    assert "Propos diffamatoires" in told.body and "/signalements/" in told.body
    (author_mail,) = _mails(app, "auteur@example.org")
    assert "Fondement" in author_mail.body and "/contester" in author_mail.body
    # The notifier contests once, through the link of the mail.
    link = re.search(r"http://localhost(/signalements/\S+/contester)", told.body).group(1)
    stranger = app.test_client()
    data = {"csrf_token": csrf_token(stranger, link), "explanation": EXPLANATION}
    assert stranger.post(link, data=data).status_code == 302
    again = stranger.post(link, data={**data, "csrf_token": csrf_token(stranger, link)})
    assert "une seule contestation" in again.get_data(as_text=True)


def test_author_appeal_decided_by_another_moderator(app):
    ids = _world(app)
    with app.app_context():
        session = get_session()
        review = session.get(Review, ids["review"])
        first = session.get(moderation.User, ids["first"])
        moderation.decide_review(session, review, first, "remove", "insults", "")
    author = _signed_in(app, "auteur@example.org")
    mine = author.get("/mes-avis").get_data(as_text=True)
    assert "Fondement" in mine and "conditions d&#39;utilisation" in mine
    assert "Contester cette décision" in mine
    url = f"/reviews/{ids['review']}/contester"
    data = {
        "csrf_token": csrf_token(author, url),
        "explanation": "Mon avis décrit des faits, sans insulte aucune.",
    }
    assert author.post(url, data=data).status_code == 302
    second_try = author.post(url, data={**data, "csrf_token": csrf_token(author, url)})
    assert "une seule contestation" in second_try.get_data(as_text=True)
    with app.app_context():
        appeal = get_session().scalar(select(Appeal))
    same = _signed_in(app, "mod1@example.org")
    assert _decide(same, f"/moderation/appeals/{appeal.id}", "upheld", "terms").status_code == 403
    other = _signed_in(app, "mod2@example.org")
    response = _decide(
        other, f"/moderation/appeals/{appeal.id}", "upheld", "terms", "Les propos restent courtois."
    )
    assert response.status_code == 302
    with app.app_context():
        assert get_session().get(Review, ids["review"]).status == "published"
        assert get_session().get(Appeal, appeal.id).moderator_id == ids["second"]
    told = _mails(app, "auteur@example.org")[-1]
    assert "Contestation acceptée" in told.body and "Les propos restent courtois." in told.body
    assert "Fondement" in told.body


def test_english_notice_form(app, client):
    ids = _world(app)
    page = client.get(f"/reviews/{ids['review']}/illicite?lang=en").get_data(as_text=True)
    assert "Report illegal content" in page and "Defamation" in page
