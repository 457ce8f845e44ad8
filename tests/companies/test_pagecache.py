"""The page cache (rating.pagecache): anonymous visitors get a cached copy, and every change
that shows on a page reaches the next visitor at once.

Each change below is made through the service a user's action runs, after an anonymous
visitor has put the page in the cache; the next anonymous view must show it.
"""

import re
from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import event, select

from rating.auth import services as accounts
from rating.claims.profile import ProfileInput, update_profile
from rating.db import get_session, utcnow
from rating.models import Company, Reply, Review, User
from rating.moderation.services import decide_review
from rating.outbox import queue_company
from rating.reviews import replies, reports
from rating.reviews.services import edit_review, submit_review, withdraw_review
from rating.search import drain_outbox
from tests import factories
from tests.audit import builders
from tests.factories import PASSWORD, make_company, make_user
from tests.helpers import login
from tests.reviews.conftest import draft


@dataclass
class World:
    slug: str
    company_id: int
    review_id: int
    author_id: int
    rep_id: int
    moderator_id: int


@pytest.fixture(autouse=True)
def _fast_hashing(fast_hashing):
    """argon2id with tiny costs: the cache is tested, not the hashing."""


@pytest.fixture
def world(app, db) -> World:
    w = factories.World(db)
    sector = w.sector(slug="energie", name="Énergie")
    company = w.company(sector, slug="volt-energie", name="Volt Énergie")
    author = w.user(email="ines@example.org", pseudonym="Ines_Lumiere")
    rep = w.user(email="relation@volt.example", pseudonym="Equipe_Volt")
    w.represent(rep, company)
    moderator = w.user(email="mod@example.org", pseudonym="Mod_Obs", roles=("moderator",))
    db.commit()
    with app.app_context():
        session = get_session()
        review, _ = submit_review(
            session, session.get(User, author.id), session.get(Company, company.id),
            draft(title="Attente interminable au standard"),
        )  # fmt: skip
        review_id = review.id
    return World(company.slug, company.id, review_id, author.id, rep.id, moderator.id)


def change(app, action) -> None:
    """Run `action(session)` in a request-free app context, as a service call of a view."""
    with app.app_context():
        action(get_session())


def page(client, world: World) -> str:
    response = client.get(f"/companies/{world.slug}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


@pytest.fixture
def orm_statements(app):
    """SQL sent through SQLAlchemy while the test runs (the stamp uses the DB-API directly)."""
    seen: list[str] = []
    engine = app.extensions["rating.engine"]

    def record(_conn, _cursor, statement, *_args):
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    yield seen
    event.remove(engine, "before_cursor_execute", record)


def test_an_anonymous_view_is_served_from_the_cache_then_revalidated(client, world, orm_statements):
    first = client.get(f"/companies/{world.slug}")
    assert first.status_code == 200 and "Attente interminable" in first.text
    etag = first.headers["ETag"].strip('"')
    assert first.headers["Cache-Control"] == "no-cache"
    assert {"Cookie", "Accept-Language"} <= set(first.headers["Vary"].replace(" ", "").split(","))
    orm_statements.clear()
    again = client.get(f"/companies/{world.slug}")
    assert again.text == first.text and again.headers["ETag"].strip('"') == etag
    assert orm_statements == []  # no render, no ORM query: only the stamp
    revalidated = client.get(f"/companies/{world.slug}", headers={"If-None-Match": f'"{etag}"'})
    assert revalidated.status_code == 304 and revalidated.data == b""
    assert client.get("/companies/inconnue").status_code == 404


def _edit_text(world):
    def action(session):
        review = session.get(Review, world.review_id)
        edit_review(
            session, review, session.get(User, world.author_id),
            draft(title="Attente interminable, puis rappel le lendemain"),
        )  # fmt: skip

    return action, "rappel le lendemain"


def _withdraw(world):
    def action(session):
        review = session.get(Review, world.review_id)
        withdraw_review(session, review, session.get(User, world.author_id))

    return action, "!Attente interminable au standard"


def _reply(world):
    def action(session):
        review = session.get(Review, world.review_id)
        replies.reply_to_review(
            session, review, session.get(User, world.rep_id), "Nous vous rappelons dès demain."
        )

    return action, "Nous vous rappelons dès demain."


def _moderator_removes(world):
    def action(session):
        review = session.get(Review, world.review_id)
        moderator = session.get(User, world.moderator_id)
        decide_review(session, review, moderator, "remove", "not_experience")

    return action, "!Attente interminable au standard"


def _company_reports(world):
    def action(session):
        review = session.get(Review, world.review_id)
        reports.report_review(
            session, review, session.get(User, world.rep_id), "fake", "Client inconnu chez nous."
        )

    return action, re.compile(r"Signalés par l'entreprise</dt><dd>1 ")


def _new_review(world):
    def action(session):
        someone = make_user(session, email="paul@example.org", pseudonym="Paul_Tarif")
        submit_review(
            session, someone, session.get(Company, world.company_id),
            draft(title="Conseillère efficace et aimable", stars=5),
        )  # fmt: skip

    return action, "Conseillère efficace et aimable"


def _declaration(world):
    def action(session):
        company = session.get(Company, world.company_id)
        edit = ProfileInput(
            description="Fournisseur d'électricité verte, service client à Rennes.",
            mediator_name="Médiateur national de l'énergie",
            mediator_url="",
            contact_points=[],
            contact_centres=[],
        )
        update_profile(session, session.get(User, world.rep_id), company, edit)

    return action, "Médiateur national de l&#39;énergie"


def _audit_publication(world):
    def action(session):
        auditor = builders.auditor(session)
        reviewer = builders.auditor(session)
        sector = session.get(Company, world.company_id).sector
        drawn = builders.campaign(session, auditor, [sector], per_sector=1, auditors=[reviewer])
        builders.publish(session, drawn, auditor, reviewer)

    return action, "2026-T4"


def _author_deletes_account(world):
    def action(session):
        author = session.get(User, world.author_id)
        accounts.delete_account(session, author, password=PASSWORD, ip="203.0.113.9")
        session.commit()

    return action, "!Ines_Lumiere"


CHANGES = [
    _edit_text,
    _withdraw,
    _reply,
    _moderator_removes,
    _company_reports,
    _new_review,
    _declaration,
    _audit_publication,
    _author_deletes_account,
]


@pytest.mark.parametrize("make_change", CHANGES, ids=[c.__name__.strip("_") for c in CHANGES])
def test_every_change_reaches_the_next_anonymous_visitor(app, client, world, make_change):
    before = page(client, world)
    assert "Attente interminable au standard" in before and "Ines_Lumiere" in before
    action, expected = make_change(world)
    change(app, action)
    after = page(client, world)
    if isinstance(expected, re.Pattern):
        assert expected.search(after) and not expected.search(before)
    elif expected.startswith("!"):
        assert expected[1:] not in after
    else:
        assert expected in after and expected not in before


def test_reply_edit_reaches_the_page(app, client, world):
    def reply(session):
        review = session.get(Review, world.review_id)
        replies.reply_to_review(session, review, session.get(User, world.rep_id), "Premier mot.")

    change(app, reply)
    assert "Premier mot." in page(client, world)

    def reword(session):
        found = session.scalar(select(Reply).where(Reply.review_id == world.review_id))
        replies.edit_reply(session, found, session.get(User, world.rep_id), "Mot corrigé.")

    change(app, reword)
    after = page(client, world)
    assert "Mot corrigé." in after and "Premier mot." not in after


def test_signed_in_pages_are_never_cached_nor_shown_to_others(app, client, world):
    author = app.test_client()
    login(author, "ines@example.org")
    own = page(author, world)
    assert "Modifier mon avis" in own and "Mon compte" in own
    response = author.get(f"/companies/{world.slug}")
    assert "ETag" not in response.headers  # never the anonymous copy's validator
    assert response.headers["Cache-Control"] == "private, no-cache"  # no shared cache keeps it
    anonymous = page(client, world)
    assert "Modifier mon avis" not in anonymous and "Mon compte" not in anonymous
    assert "Modifier mon avis" in page(author, world)  # the cached copy is not theirs


def test_a_flashed_message_is_shown_once_and_never_cached(app, client, world):
    page(client, world)
    login(client, "ines@example.org")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page(client, world)).group(1)
    home = client.post("/logout", data={"csrf_token": token}, follow_redirects=True)
    flash_text = re.search(r'<p class="flash [^"]*">([^<]+)</p>', home.text)
    assert flash_text, "logging out flashes a message"
    later = client.get("/").text
    assert flash_text.group(1).strip() not in later


def test_languages_are_cached_apart(client, world):
    french = client.get(f"/companies/{world.slug}", headers={"Accept-Language": "fr"})
    english = client.get(f"/companies/{world.slug}", headers={"Accept-Language": "en"})
    assert 'lang="fr"' in french.text and 'lang="en"' in english.text
    assert french.headers["ETag"] != english.headers["ETag"]
    assert 'lang="fr"' in client.get(f"/companies/{world.slug}?lang=fr").text


def test_api_company_json_is_cached_and_follows_changes(app, client, world):
    url = f"/api/v1/companies/{world.slug}"
    first = client.get(url)
    assert first.status_code == 200 and first.json["community"]["count"] == 1
    assert first.headers["Content-Type"] == "application/json"
    assert first.headers["Access-Control-Allow-Origin"] == "*"
    again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    change(app, _new_review(world)[0])
    assert client.get(url).json["community"]["count"] == 2
    assert client.get("/api/v1/companies/inconnue").status_code == 404


def test_search_page_follows_the_index(app, client, world):
    change(app, lambda session: (queue_company(session, world.company_id), session.commit()))
    drain_outbox(app)
    link = f'href="/companies/{world.slug}"'
    assert link in client.get("/search?q=volt").text

    def rename(session):
        company = session.get(Company, world.company_id)
        company.name = "Watt Énergie"
        queue_company(session, company.id)
        session.commit()

    change(app, rename)
    drain_outbox(app)
    assert link in client.get("/search?q=watt").text
    assert link not in client.get("/search?q=volt").text


def test_home_lists_the_latest_reviews_after_a_change(app, client, world):
    assert "Volt Énergie" in client.get("/").text
    other = {}

    def new_company_review(session):
        company = make_company(session, slug="gaz-ouest", name="Gaz de l'Ouest")
        author = make_user(session, email="lea@example.org", pseudonym="Lea_Gaz")
        submit_review(session, author, company, draft(experience_date=date.today()))
        other["id"] = company.id

    change(app, new_company_review)
    home = client.get("/").text
    assert home.index("Gaz de l") < home.index("Volt Énergie")


def test_page_only_changes_leave_the_search_index_in_step(app, world):
    """A report by the company or a held review moves the page's stamp, not what the search
    document holds: `search verify` must not call the entry stale (no refresh is queued)."""
    from rating.search import verify

    change(app, lambda session: (queue_company(session, world.company_id), session.commit()))
    drain_outbox(app)
    assert verify(app).ok

    def held_review(session):  # a brand-new account: held for moderation, not counted
        newcomer = make_user(session, email="neuf@example.org")
        newcomer.created_at = utcnow()
        review, _ = submit_review(
            session, newcomer, session.get(Company, world.company_id), draft()
        )
        assert review.status == "pending"

    change(app, held_review)
    change(app, _company_reports(world)[0])  # the ledger on the page moves, not the score
    drift = verify(app)
    assert drift.ok, drift
