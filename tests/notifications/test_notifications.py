"""Notifications through the mail outbox: who is told, in which language, with which link,
once per event, and how a person stops them (settings, one click, a hard bounce)."""

import email
import json
import secrets
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from rating.db import utcnow
from rating.models import Membership, OutboundMail, User
from rating.moderation.services import decide_review
from rating.notifications import events
from rating.reviews.replies import reply_to_review
from rating.reviews.services import submit_review
from tests.factories import World
from tests.helpers import login, post_form
from tests.reviews.conftest import draft


def shopper(w: World, **fields) -> User:
    """A verified shopper whose account is old enough for a review to go online at once."""
    user = w.user(**fields)
    user.created_at = utcnow() - timedelta(days=90)
    return user


def post_review(session, company, title="Service correct", **fields):
    author = fields.pop("author", None) or shopper(World(session))
    # Each text its own: identical texts are a copy signal that holds the review.
    body = "Mon expérience : " + " ".join(secrets.token_hex(4) for _ in range(12))
    review, _ = submit_review(session, author, company, draft(title=title, body=body, **fields))
    assert review.status == "published"
    return review


def mails_to(session, user) -> list[OutboundMail]:
    return session.scalars(
        select(OutboundMail).where(OutboundMail.recipient == user.email).order_by(OutboundMail.id)
    ).all()


def claimed(session):
    w = World(session)
    company = w.company(name="Banque Rapide", slug="banque-rapide")
    rep = w.user(email="rep@banque-rapide.fr", pseudonym="Rep_BR")
    w.represent(rep, company, method="domain")
    w.commit()
    return company, rep


def test_a_representative_is_mailed_for_a_new_review_and_unsubscribes_in_one_click(app, session):
    company, rep = claimed(session)
    review = post_review(session, company)
    (mail,) = mails_to(session, rep)
    assert mail.subject == "Nouvel avis sur Banque Rapide"
    assert f"http://localhost/reviews/{review.id}" in mail.body
    headers = json.loads(mail.headers)
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = headers["List-Unsubscribe"].strip("<>")
    assert link.startswith("http://localhost/desabonnement/") and link in mail.body
    # The delivered message carries the headers (RFC 8058) and the Return-Path.
    (eml,) = Path(app.config["MAIL_OUTBOX_DIR"]).glob("*.eml")
    message = email.message_from_bytes(eml.read_bytes())
    assert message["List-Unsubscribe"] == f"<{link}>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    path = link.removeprefix("http://localhost")
    client = app.test_client()  # no session, no CSRF token: the signed link is the proof
    page = client.get(path)
    assert page.status_code == 200 and "Me désabonner" in page.get_data(as_text=True)
    membership = session.scalar(select(Membership).where(Membership.user_id == rep.id))
    session.refresh(membership)
    assert membership.review_alerts == "instant"  # GET changes nothing (link scanners)
    done = client.post(path, data={"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200 and "C'est fait" in done.get_data(as_text=True)
    session.refresh(membership)
    assert membership.review_alerts == "off"
    post_review(session, company, title="Autre avis")
    assert len(mails_to(session, rep)) == 1
    assert client.post(path[:-3] + "abc").status_code == 404  # a forged token


def test_daily_digest_sends_one_mail_a_day_with_every_review(app, session):
    company, rep = claimed(session)
    session.scalar(select(Membership)).review_alerts = "digest"
    session.commit()
    first = post_review(session, company, title="Premier avis")
    second = post_review(session, company, title="Second avis")
    assert mails_to(session, rep) == []  # nothing at once
    day = first.published_at.astimezone(ZoneInfo("Europe/Paris")).date()
    runner = app.test_cli_runner()
    for _ in range(2):  # run twice (a retried cron job): still one mail
        result = runner.invoke(args=["notifications", "digest", "--day", day.isoformat()])
        assert result.exit_code == 0, result.output
    (mail,) = mails_to(session, rep)
    assert "Premier avis" in mail.body and "Second avis" in mail.body
    assert f"/reviews/{first.id}" in mail.body and f"/reviews/{second.id}" in mail.body
    assert "2 nouveaux avis" in mail.body
    assert runner.invoke(args=["notifications", "digest", "--day", "hier"]).exit_code == 2


def test_no_mail_for_a_company_that_has_not_claimed_its_page(session):
    w = World(session)
    company = w.company(name="Sans Représentant")
    w.claim(w.user(), company, "Je travaille au service client depuis 2019, voici ma preuve.")
    w.commit()
    post_review(session, company)
    assert session.scalar(select(func.count(OutboundMail.id))) == 0


def test_the_author_gets_the_reply_with_a_link_in_their_language(session):
    company, rep = claimed(session)
    w = World(session)
    french, english = shopper(w, email="fr@example.org"), shopper(w, email="en@example.org")
    english.locale = "en"
    w.commit()
    for author in (french, english):
        review = post_review(session, company, author=author)
        reply_to_review(session, review, rep, "Merci, nous vous rappelons dès demain matin.")
        (mail,) = mails_to(session, author)
        assert f"http://localhost/reviews/{review.id}" in mail.body
        assert "/desabonnement/" in mail.body
    assert mails_to(session, french)[0].subject == "Banque Rapide a répondu à votre avis"
    (mail,) = mails_to(session, english)
    assert mail.subject == "Banque Rapide replied to your review"
    assert "Read the reply:" in mail.body and "Lire" not in mail.body


def test_no_duplicate_when_an_event_is_told_again(session):
    company, rep = claimed(session)
    review = post_review(session, company)
    assert events.review_published(session, review) == 0  # a retried job: already recorded
    session.commit()
    assert len(mails_to(session, rep)) == 1


def test_the_reporter_hears_the_outcome(session):
    company, _rep = claimed(session)
    w = World(session)
    reporter = shopper(w, email="reporter@example.org")
    moderator = w.user(roles=("moderator",))
    review = post_review(session, company)
    w.report(review, reporter)
    w.commit()
    decide_review(session, review, moderator, "remove", reason="insults")
    (mail,) = mails_to(session, reporter)
    assert mail.subject == "Votre signalement a été examiné" and "a retiré l'avis" in mail.body


def test_followers_get_the_new_grade(app, session):
    w = World(session)
    sector, companies = w.sector_with(2)
    follower = w.user(email="suiveuse@example.org")
    w.represent(w.user(), companies[0])
    auditor, reviewer = w.auditor(), w.auditor()
    w.commit()
    client = app.test_client()
    login(client, "suiveuse@example.org")
    page = f"/companies/{companies[0].slug}"
    assert "Suivre" in client.get(page).get_data(as_text=True)
    followed = post_form(client, f"{page}/suivre", {"action": "follow"}, form_url=page)
    assert followed.status_code == 302
    assert "Ne plus suivre" in client.get(page).get_data(as_text=True)
    assert post_form(client, f"{page}/suivre", {"action": "x"}, form_url=page).status_code == 400
    campaign = w.campaign(auditor, [sector], auditors=[reviewer])
    w.publish(campaign, auditor, reviewer)
    (mail,) = mails_to(session, follower)
    assert mail.subject == f"Nouvelle note d'audit pour {companies[0].name}"
    assert f"http://localhost/companies/{companies[0].slug}" in mail.body


DSN = """From: MAILER-DAEMON@mx.example.org
To: bounces@observatoire.example
Subject: Undelivered Mail Returned to Sender
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B"

--B
Content-Type: text/plain

Delivery failed.
--B
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.org

Final-Recipient: rfc822; {address}
Action: failed
Status: {status}
Diagnostic-Code: smtp; 550 5.1.1 User unknown

--B--
"""


def test_a_hard_bounce_stops_mail_to_the_address(app, session, tmp_path):
    company, rep = claimed(session)
    w = World(session)
    soft = w.user(email="plein@example.org")
    w.commit()
    mbox = tmp_path / "bounces.mbox"
    text = "".join(
        "From MAILER-DAEMON Thu Dec  5 10:00:00 2026\n" + DSN.format(address=a, status=s) + "\n"
        for a, s in (("Rep@Banque-Rapide.fr", "5.1.1"), (soft.email, "4.2.2"))
    )
    mbox.write_text(text)
    result = app.test_cli_runner().invoke(args=["mail", "bounces", str(mbox)])
    assert result.exit_code == 0 and "échecs définitifs : 1" in result.output
    session.refresh(rep)
    session.refresh(soft)
    assert rep.mail_bounced_at is not None and soft.mail_bounced_at is None
    post_review(session, company)
    assert mails_to(session, rep) == []
    client = app.test_client()
    login(client, rep.email)
    assert "a refusé nos messages" in client.get("/account").get_data(as_text=True)


def test_settings_turn_kinds_off_and_choose_each_companys_mode(app, db):
    # `db` holds no app context open: each request gets its own (and its own language).
    session = db
    company, rep = claimed(session)
    client = app.test_client()
    login(client, rep.email)
    page = client.get("/account/notifications").get_data(as_text=True)
    assert "Banque Rapide" in page and "Un résumé par jour" in page
    key = f"alerts_{company.id}"
    saved = post_form(client, "/account/notifications", {key: "digest", "review_moderation": "y"})
    assert saved.status_code == 302
    membership = session.scalar(select(Membership))
    session.refresh(membership)
    assert membership.review_alerts == "digest"
    session.rollback()  # let go of the database before the next request
    bad = post_form(client, "/account/notifications", {key: "souvent"})
    assert bad.status_code == 422
    english = client.get("/account/notifications?lang=en").get_data(as_text=True)
    assert "My notifications" in english and "One summary a day" in english
