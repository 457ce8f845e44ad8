"""Signed-in visitors share the page's cached body (rating.pagecache fragments) and get their
own parts rendered for them: each sees their own "my review" link, account menu and CSRF
token (one that works), never another's, and every change shows on their next view.
"""

import re

import pytest
from sqlalchemy import event, select

from rating.auth.sessions import load_user, start_session
from rating.auth.viewer import Viewer
from rating.db import get_session
from rating.models import Company, Review, User, UserRole
from rating.moderation.services import decide_review
from rating.reviews import replies
from rating.reviews.services import submit_review
from tests import factories
from tests.helpers import login
from tests.reviews.conftest import draft

TOKEN_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture(autouse=True)
def _fast_hashing(fast_hashing):
    """argon2id with tiny costs: the fragments are tested, not the hashing."""


@pytest.fixture
def world(app, db):
    """A company with two reviews, by Ines and by Paul, and its representative."""
    w = factories.World(db)
    company = w.company(w.sector(slug="energie", name="Énergie"), slug="volt", name="Volt")
    ines = w.user(email="ines@example.org", pseudonym="Ines_Lumiere")
    paul = w.user(email="paul@example.org", pseudonym="Paul_Ohm")
    rep = w.user(email="relation@volt.example", pseudonym="Equipe_Volt")
    w.represent(rep, company)
    moderator = w.user(email="mod@example.org", pseudonym="Mod_Obs", roles=("moderator",))
    db.commit()
    ids = {"company": company.id, "rep": rep.id, "moderator": moderator.id}
    with app.app_context():
        session = get_session()
        for name, user, title in ((ines, "Ines", "Attente au standard"), (paul, "Paul", "Bon SAV")):
            review, _ = submit_review(
                session, session.get(User, name.id), session.get(Company, company.id),
                draft(title=title),
            )  # fmt: skip
            ids[user] = review.id
    return ids


def signed_in(app, email: str):
    client = app.test_client()
    assert login(client, email).status_code == 302
    return client


def view(client) -> str:
    response = client.get("/companies/volt")
    assert response.status_code == 200
    return response.text


def edit_links(page: str) -> set[int]:
    return {int(n) for n in re.findall(r'href="/reviews/(\d+)/edit"', page)}


@pytest.fixture
def orm_statements(app):
    seen: list[str] = []
    engine = app.extensions["rating.engine"]

    def record(_conn, _cursor, statement, *_args):
        if not statement.startswith(("BEGIN", "COMMIT", "ROLLBACK")):
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    yield seen
    event.remove(engine, "before_cursor_execute", record)


def test_two_shoppers_each_see_their_own_parts_of_the_shared_body(app, world, orm_statements):
    ines, paul = signed_in(app, "ines@example.org"), signed_in(app, "paul@example.org")
    first = view(ines)  # renders the shared body
    orm_statements.clear()
    second = view(paul)  # filled from it
    assert len(orm_statements) <= 2, orm_statements  # the user, "follows?", no page query
    assert edit_links(first) == {world["Ines"]} and edit_links(second) == {world["Paul"]}
    assert "(Ines_Lumiere)" in first and "(Ines_Lumiere)" not in second
    assert "(Paul_Ohm)" in second and "(Paul_Ohm)" not in first
    assert "Attente au standard" in second and "Bon SAV" in first  # one body for both
    assert "Répondre" not in first + second  # representative links are not theirs
    tokens = set(TOKEN_RE.findall(first)) | set(TOKEN_RE.findall(second))
    assert len(tokens) == 2, "each page carries its own visitor's token"


def test_the_token_on_a_filled_page_works_and_the_choice_shows_to_its_author_only(app, world):
    ines, paul = signed_in(app, "ines@example.org"), signed_in(app, "paul@example.org")
    view(ines)
    token = TOKEN_RE.search(view(paul)).group(1)
    followed = paul.post("/companies/volt/suivre", data={"action": "follow", "csrf_token": token})
    assert followed.status_code == 302
    after = view(paul)
    assert "Vous suivez Volt" in after and "Ne plus suivre" in after
    assert "Ne plus suivre" not in view(ines) and "Vous suivez" not in view(ines)
    assert "Vous suivez" not in view(paul)  # a flashed message is shown once


def test_a_representative_gets_their_links_from_the_same_body(app, world):
    shopper = signed_in(app, "ines@example.org")
    view(shopper)
    page = view(signed_in(app, "relation@volt.example"))
    assert page.count(">Répondre<") == 2 and "Vous représentez cette entreprise." in page
    assert "Modifier mon avis" not in page and "(Equipe_Volt)" in page
    assert "Vous représentez cette entreprise." not in view(shopper)


def test_changes_show_on_the_next_signed_in_view(app, world):
    paul = signed_in(app, "paul@example.org")
    assert "Attente au standard" in view(paul)

    with app.app_context():
        session = get_session()
        review = session.get(Review, world["Ines"])
        replies.reply_to_review(session, review, session.get(User, world["rep"]), "Rappel promis.")
    assert "Rappel promis." in view(paul)

    with app.app_context():
        session = get_session()
        review = session.get(Review, world["Ines"])
        moderator = session.get(User, world["moderator"])
        decide_review(session, review, moderator, "remove", "not_experience")
    page = view(paul)
    assert "Attente au standard" not in page and "Rappel promis." not in page
    assert edit_links(page) == {world["Paul"]}


def test_a_shopper_who_becomes_a_representative_sees_it_at_once(app, world, db):
    paul = signed_in(app, "paul@example.org")
    assert "Demander à représenter Volt" in view(paul)
    factories.World(db).represent(db.get(User, _id(db, "paul@example.org")), db.get(Company, 1))
    db.commit()
    page = view(signed_in(app, "paul@example.org"))  # staff sessions start again
    assert "Vous représentez cette entreprise." in page and ">Répondre<" in page


def _id(db, email: str) -> int:
    return db.scalar(select(User.id).where(User.email == email))


def test_representatives_share_the_dashboard_body_with_their_own_tokens(app, world, db):
    colleague = factories.World(db).user(email="sav@volt.example", pseudonym="Sav_Volt")
    factories.World(db).represent(colleague, db.get(Company, world["company"]))
    db.commit()
    first, second = signed_in(app, "relation@volt.example"), signed_in(app, "sav@volt.example")
    page = first.get("/dashboard/volt").text
    filled = second.get("/dashboard/volt").text
    assert f'id="reponse-{world["Ines"]}"' in page and f'id="reponse-{world["Ines"]}"' in filled
    assert "(Equipe_Volt)" in page and "(Sav_Volt)" in filled and "(Equipe_Volt)" not in filled
    token = TOKEN_RE.search(filled.split('class="reply-form"')[1]).group(1)
    assert token not in page
    replied = second.post(
        f"/reviews/{world['Ines']}/reply",
        data={"body": "Nous vous rappelons demain.", "next": "dashboard", "csrf_token": token},
    )
    assert replied.status_code == 302
    after = first.get("/dashboard/volt").text
    assert f'id="reponse-{world["Ines"]}"' not in after and f'id="reponse-{world["Paul"]}"' in after
    assert signed_in(app, "ines@example.org").get("/dashboard/volt").status_code == 403


def test_a_body_that_makes_a_token_outside_a_slot_is_never_shared(app, world):
    """A page that (wrongly) asks for a CSRF token outside a slot is rendered per visitor."""
    from flask import render_template_string

    from rating import pagecache

    def render():
        return render_template_string('<form><input name="csrf_token" value="{{ csrf_token() }}">')

    app.add_url_rule("/probe", "probe", lambda: pagecache.serve("probe", (1,), render, viewer=dict))
    ines, paul = signed_in(app, "ines@example.org"), signed_in(app, "paul@example.org")
    tokens = [TOKEN_RE.search(client.get("/probe").text).group(1) for client in (ines, paul)]
    assert tokens[0] != tokens[1]


def test_a_memoised_menu_follows_the_visitors_roles_and_its_token_signs_out(app, world, db):
    """The header's menu is rendered once per visitor state (rating.pagecache._SlotMemo): a
    role granted shows on the next view without signing in again, and the token of a menu
    served from the memo still signs out."""
    paul = signed_in(app, "paul@example.org")
    for _ in range(2):
        assert ">Modération<" not in view(paul)
    db.add(UserRole(user_id=_id(db, "paul@example.org"), role="moderator"))
    db.commit()
    assert ">Modération<" in view(paul)
    token = re.search(r'action="/logout"[^>]*>\s*<input[^>]*value="([^"]+)"', view(paul)).group(1)
    assert paul.post("/logout", data={"csrf_token": token}).status_code == 302
    assert 'action="/logout"' not in view(paul)


def test_a_locked_or_signed_out_account_is_anonymous_on_the_most_read_pages(app, world, db):
    """Those pages read the visitor in one query of their own (rating.auth.viewer): a locked
    account, like an ended session, is nobody there at once."""
    paul = signed_in(app, "paul@example.org")
    pages = ("/companies/volt", "/", "/search?q=volt")
    assert all('action="/logout"' in paul.get(url).text for url in pages)
    user = db.get(User, _id(db, "paul@example.org"))
    user.locked_at = user.created_at
    db.commit()
    for url in pages:
        answer = paul.get(url)
        assert answer.status_code == 200 and 'action="/logout"' not in answer.text, url
    assert paul.get("/mes-avis").status_code == 302


def test_the_visitor_of_a_read_page_gives_what_it_does_not_hold_from_the_account(app, world):
    with app.test_request_context("/companies/volt"):
        session = get_session()
        user = session.scalar(select(User).where(User.email == "paul@example.org"))
        token = start_session(session, user, remember=False)
        session.commit()
        viewer = load_user(token)
        assert isinstance(viewer, Viewer) and viewer.pseudonym == "Paul_Ohm"
        assert viewer.get_id() == token and not viewer.has_role("admin")
        assert viewer.email == "paul@example.org"  # not held: read from the full account
    with app.test_request_context("/companies/volt", method="POST"):
        assert isinstance(load_user(token), User)  # a write never gets a Viewer


def test_the_page_without_a_query_string_is_the_page_with_default_filters(app, world):
    client = app.test_client()
    plain, defaults = client.get("/companies/volt"), client.get("/companies/volt?sort=recent")
    assert plain.status_code == defaults.status_code == 200
    assert plain.headers["ETag"] == defaults.headers["ETag"]  # one cache entry, one page


def test_mes_avis_is_kept_per_author_and_shows_every_change_at_once(app, world, orm_statements):
    ines, paul = signed_in(app, "ines@example.org"), signed_in(app, "paul@example.org")
    first = ines.get("/mes-avis").text
    assert "Attente au standard" in first and "Bon SAV" not in first
    assert "Ines_Lumiere" in first  # her account menu, filled in her fragment
    theirs = paul.get("/mes-avis").text
    assert "Bon SAV" in theirs and "Attente au standard" not in theirs
    assert "Ines_Lumiere" not in theirs
    assert ines.get("/mes-avis").text == first  # kept: the same page
    # A decision shows at once, with its ground (rendered once, then kept).
    with app.app_context():
        session = get_session()
        moderator = session.get(User, world["moderator"])
        decide_review(session, session.get(Review, world["Ines"]), moderator, "remove", "insults")
        session.commit()
    orm_statements.clear()
    refused = ines.get("/mes-avis").text
    assert "Contester cette décision" in refused and refused != first
    assert any("JOIN appeals" in statement for statement in orm_statements)  # rendered
    orm_statements.clear()
    assert ines.get("/mes-avis").text == refused
    assert not any("JOIN appeals" in statement for statement in orm_statements)  # kept
    # The company renamed, another review written: both show at once.
    with app.app_context():
        session = get_session()
        session.get(Company, world["company"]).name = "Volt Énergie"
        session.commit()
    assert "Volt Énergie" in ines.get("/mes-avis").text
    with app.app_context():
        session = get_session()
        submit_review(
            session, session.get(User, ines_id(session)), session.get(Company, world["company"]),
            draft(title="Deuxième appel"),
        )  # fmt: skip
    assert "Deuxième appel" in ines.get("/mes-avis").text


def ines_id(session) -> int:
    return session.scalar(select(User.id).where(User.email == "ines@example.org"))
