"""Remember-me is for shoppers only: a copied cookie must never open a dashboard, its CSV
export, moderation or audits from another browser."""

from tests.conftest import csrf_token
from tests.factories import PASSWORD, World


def sign_in_remembered(client, email: str):
    token = csrf_token(client, "/login")
    data = {"email": email, "password": PASSWORD, "remember": "y", "csrf_token": token}
    return client.post("/login", data=data)


def test_staff_and_representatives_get_no_remember_cookie(app, db):
    w = World(db)
    company = w.company()
    w.represent(w.user(email="rep@example.org"), company)
    w.user(email="modo@example.org", roles=("moderator",))
    w.commit()
    for email in ("rep@example.org", "modo@example.org"):
        client = app.test_client()
        assert sign_in_remembered(client, email).status_code == 302
        assert client.get_cookie("remember_token") is None, email
        assert client.get("/account").status_code == 200  # signed in for this browser session


def test_a_stolen_remember_cookie_of_a_new_representative_opens_nothing(app, db):
    w = World(db)
    company = w.company()
    shopper = w.user(email="client@example.org")
    w.commit()
    client = app.test_client()
    assert sign_in_remembered(client, "client@example.org").status_code == 302
    stolen = client.get_cookie("remember_token")
    assert stolen is not None  # a shopper may stay signed in

    w.represent(shopper, company)  # then becomes a representative
    w.commit()
    thief = app.test_client()
    thief.set_cookie("remember_token", stolen.value)
    for url in (f"/dashboard/{company.slug}", f"/dashboard/{company.slug}/export.csv"):
        answer = thief.get(url)
        assert answer.status_code == 302 and "/login" in answer.headers["Location"], url
    # The long session itself has ended: the owner signs in again, for this session only.
    assert client.get("/account").status_code == 302
