"""The account holder's rights: terms accepted at registration, the data export, changing
e-mail address (confirmed from the new one, the old one told) and pseudonym."""

import json
from html import unescape

from sqlalchemy import select

from rating.cgu import CGU_VERSION
from rating.db import get_session
from rating.models import ReviewRevision, User
from tests.auth.conftest import STRONG, last_link, mails, post
from tests.conftest import csrf_token
from tests.factories import PASSWORD, World
from tests.helpers import login


def user_by_email(app, email):
    with app.app_context():
        return get_session().scalar(select(User).where(User.email == email))


def user_by_id(app, user_id):
    with app.app_context():
        return get_session().get(User, user_id)


def register_form(client, **overrides):
    data = {
        "pseudonym": "Camille",
        "email": "camille@example.org",
        "password": STRONG,
        "confirm": STRONG,
        "csrf_token": csrf_token(client, "/register"),
        **overrides,
    }
    return client.post("/register", data={k: v for k, v in data.items() if v is not None})


def test_registration_is_refused_without_accepting_the_terms(app, client):
    response = register_form(client, accept_cgu=None)
    assert response.status_code == 422
    assert "Acceptez les conditions générales d'utilisation" in unescape(response.text)
    assert user_by_email(app, "camille@example.org") is None


def test_registration_records_the_version_of_the_terms(app, client):
    assert register_form(client, accept_cgu="y").status_code == 302
    user = user_by_email(app, "camille@example.org")
    assert user.cgu_version == CGU_VERSION
    assert user.cgu_accepted_at is not None


# The export.


def test_export_holds_the_accounts_reviews_with_their_history_and_nothing_of_others(
    app, client, db
):
    world = World(db)
    me, other, rep = world.user(), world.user(), world.user()
    company = world.company()
    mine = world.review(author=me, company=company, title="Attente interminable au 3900")
    for action, title in (("created", "Premier titre"), ("edited", mine.title)):
        db.add(
            ReviewRevision(
                review_id=mine.id,
                action=action,
                actor_id=me.id,
                status="published",
                snapshot=json.dumps({"title": title}),
            )
        )
    world.reply(mine, rep, body="Nous sommes désolés, rappelez-nous.")
    theirs = world.review(author=other, company=company, title="Avis de quelqu'un d'autre")
    world.report(theirs, me, comment="Propos injurieux envers le conseiller")
    world.commit()
    my_email, other_email = me.email, other.email

    assert client.get("/account/export").status_code == 302  # signed in only
    login(client, my_email, PASSWORD)
    response = client.get("/account/export")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["Cache-Control"] == "no-store"
    data = response.get_json()

    assert data["account"]["email"] == my_email
    assert "password_hash" not in data["account"]
    (review,) = data["reviews"]
    assert review["title"] == "Attente interminable au 3900"
    assert review["company"]["slug"] == company.slug
    assert [r["action"] for r in review["history"]] == ["created", "edited"]
    assert review["history"][0]["content"] == {"title": "Premier titre"}
    assert review["reply_received"]["body"] == "Nous sommes désolés, rappelez-nous."
    assert data["reports_filed"][0]["comment"] == "Propos injurieux envers le conseiller"
    assert data["sessions"] and data["sign_in_attempts"][-1]["succeeded"] is True
    assert data["terms_of_use"]["current_version"] == CGU_VERSION
    text = response.text
    assert other_email not in text and "Avis de quelqu'un d'autre" not in text


def test_account_page_links_the_export_and_the_privacy_policy(client, db):
    user = World(db).user()
    db.commit()
    login(client, user.email, PASSWORD)
    html = client.get("/account").text
    assert 'href="/account/export"' in html and 'href="/confidentialite"' in html


# Changing the e-mail address.


def ask_new_email(client, new_email, password=PASSWORD):
    return post(
        client,
        "/account/email",
        {"new_email": new_email, "email_password": password},
        form_url="/account",
    )


def test_email_changes_only_when_the_link_mailed_to_the_new_address_is_used(app, client, db):
    user = World(db).user(email="ancien@example.org")
    db.commit()
    login(client, "ancien@example.org", PASSWORD)

    response = ask_new_email(client, "  Nouveau@EXAMPLE.org ")
    assert response.status_code == 302
    assert "Nous avons envoyé un lien à nouveau@example.org" in client.get("/account").text
    assert user_by_id(app, user.id).email == "ancien@example.org"  # nothing changed yet

    link = last_link(app, "nouveau@example.org", "/account/email/")
    page = client.get(link)
    assert page.status_code == 200 and "nouveau@example.org" in page.text
    assert user_by_id(app, user.id).email == "ancien@example.org"  # the GET changes nothing
    assert post(client, link).status_code == 302

    changed = user_by_id(app, user.id)
    assert changed.email == "nouveau@example.org" and changed.pending_email is None
    assert changed.is_verified
    (told,) = [m for m in mails(app, "ancien@example.org") if "a changé" in m.subject]
    assert "n•••••@example.org" in told.body and "nouveau@example.org" not in told.body
    assert client.get(link).status_code == 400  # the link is used up
    assert post(client, link).status_code == 400


def test_email_change_needs_the_password(app, client, db):
    user = World(db).user(email="ancien@example.org")
    db.commit()
    login(client, "ancien@example.org", PASSWORD)
    response = ask_new_email(client, "nouveau@example.org", password="pas le bon")
    assert response.status_code == 422 and "Le mot de passe est incorrect." in response.text
    assert mails(app, "nouveau@example.org") == []
    assert user_by_id(app, user.id).pending_email is None


def test_an_address_of_another_account_is_never_taken(app, client, db):
    world = World(db)
    user = world.user(email="ancien@example.org")
    world.user(email="pris@example.org")
    db.commit()
    login(client, "ancien@example.org", PASSWORD)

    # The same answer as for a free address; the owner of that one is told, nothing changes.
    assert ask_new_email(client, "PRIS@example.org").status_code == 302
    (told,) = mails(app, "pris@example.org")
    assert "/account/email/" not in told.body
    assert user_by_id(app, user.id).email == "ancien@example.org"
    assert user_by_id(app, user.id).pending_email is None


def test_address_taken_between_the_request_and_the_click_is_refused(app, client, db):
    world = World(db)
    user = world.user(email="ancien@example.org")
    db.commit()
    login(client, "ancien@example.org", PASSWORD)
    ask_new_email(client, "convoitee@example.org")
    link = last_link(app, "convoitee@example.org", "/account/email/")
    world.user(email="convoitee@example.org")
    db.commit()
    response = post(client, link)
    assert response.status_code == 409
    assert user_by_id(app, user.id).email == "ancien@example.org"


def test_own_address_again_is_a_form_error(client, db):
    World(db).user(email="ancien@example.org")
    db.commit()
    login(client, "ancien@example.org", PASSWORD)
    response = ask_new_email(client, "Ancien@Example.org")
    assert response.status_code == 422
    assert "déjà l'adresse de votre compte" in unescape(response.text)


# Changing the pseudonym.


def rename(client, pseudonym):
    return post(client, "/account/pseudonym", {"pseudonym": pseudonym}, form_url="/account")


def test_pseudonym_change_follows_the_registration_rules_and_shows_on_reviews(app, client, db):
    world = World(db)
    user = world.user(pseudonym="Camille")
    world.user(pseudonym="Dominique")
    slug = world.review(author=user).company.slug
    world.commit()
    login(client, user.email, PASSWORD)
    assert "Camille" in client.get(f"/companies/{slug}").text

    for taken_or_bad, message in (
        ("dominique", "déjà pris"),
        ("ab", "entre 3 et 30 caractères"),
        ("admin-officiel", "réservé"),
        ("Camille", "déjà votre pseudonyme"),
    ):
        response = rename(client, taken_or_bad)
        assert response.status_code == 422 and message in unescape(response.text), taken_or_bad
    assert user_by_id(app, user.id).pseudonym == "Camille"

    assert rename(client, " Camille-Lyon ").status_code == 302
    assert user_by_id(app, user.id).pseudonym == "Camille-Lyon"
    page = client.get(f"/companies/{slug}").text
    assert "Camille-Lyon" in page


def test_rights_forms_need_a_signed_in_user_and_a_csrf_token(client, db):
    user = World(db).user()
    db.commit()
    for url in ("/account/email", "/account/pseudonym"):
        assert client.post(url, data={}).status_code in (302, 400)
    login(client, user.email, PASSWORD)
    for url in ("/account/email", "/account/pseudonym"):
        assert client.post(url, data={"pseudonym": "Sans-jeton"}).status_code == 400
