"""Where calls are answered, through the real review form (CSRF on), the company page, the
dashboard and the API; and the community figures per channel."""

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from rating.db import get_session, utcnow
from rating.models import Review
from rating.scores import formula
from tests.api.contract import check
from tests.factories import World
from tests.helpers import login, post_form

BODY = "Trois transferts et un conseiller qui ne comprenait pas ma demande de résiliation."


def form_data(**overrides) -> dict:
    data = {
        "channel": "phone",
        "experience_date": (date.today() - timedelta(days=3)).isoformat(),
        "stars": "2",
        "solved": "no",
        "title": "Appel transféré",
        "body": BODY,
        "answered_from": "abroad",
        "answered_country": "TN",
        "transfers": "3",
        "own_experience": "y",
    }
    data.update(overrides)
    return data


@pytest.fixture
def world(app):
    """A company declaring one French centre, 19 earlier answers (13 France, 6 abroad, 2 of
    them in Morocco), a shopper and the company's representative (committed)."""
    with app.app_context():
        w = World(get_session())
        centre = {"city": "Amiens", "country": "France", "languages": "français"}
        company = w.company(centres=[centre])
        earlier = {"company": company, "days_ago": 90, "created_at": utcnow() - timedelta(90)}
        earlier["published_at"] = earlier["created_at"]  # long ago: no burst of reviews
        for _ in range(13):
            w.review(answered_from="france", **earlier)
        for country in ("MA", "MA", None, None, None, None):
            w.review(answered_from="abroad", answered_country=country, **earlier)
        w.review(channel="email", **earlier)  # no answer: not counted
        shopper, rep = w.user(), w.user()
        w.represent(rep, company)
        w.commit()
        return {"slug": company.slug, "shopper": shopper.email, "rep": rep.email}


def text(response) -> str:
    """The page with Babel's narrow and plain no-break spaces as spaces ("65 %")."""
    return response.get_data(as_text=True).replace("\u202f", " ").replace("\xa0", " ")


def openapi(client) -> dict:
    return client.get("/api/v1/openapi.json").get_json()


def the_review() -> Review:
    """The review the shopper posted (inside an app context)."""
    return get_session().scalars(select(Review).where(Review.title == "Appel transféré")).one()


def signed_in(app, email):
    client = app.test_client()
    assert login(client, email).status_code in (302, 303)
    return client


def test_a_shopper_reports_abroad_and_the_company_page_counts_it(app, world):
    slug, visitor = world["slug"], app.test_client()
    before = visitor.get(f"/companies/{slug}").get_data(as_text=True)
    assert "Selon 19 clients (36 mois)" in before
    assert "centres de contact en France uniquement" not in before  # 6 of 19: too few answers

    shopper = signed_in(app, world["shopper"])
    form = shopper.get(f"/companies/{slug}/review").get_data(as_text=True)
    assert "Où pensez-vous que votre interlocuteur se trouvait ?" in form
    assert '<option value="TN">Tunisie</option>' in form
    response = post_form(shopper, f"/companies/{slug}/review", form_data())
    assert response.status_code == 302
    with app.app_context():
        review = (
            get_session().scalars(select(Review).where(Review.title == "Appel transféré")).one()
        )
        assert (review.answered_from, review.answered_country, review.transfers) == (
            "abroad",
            "TN",
            3,
        )

        assert review.status == "published", [s.code for s in review.signals]
    page = text(visitor.get(f"/companies/{slug}"))
    assert "Selon 20 clients (36 mois)" in page
    assert "des perceptions" in page
    assert "65 %" in page and "35 %" in page  # 13 France, 7 abroad of 20
    assert "Maroc : 2" in page and "Tunisie : 1" in page
    # The company declares French centres only; 7 of 20 answers (35 %) say abroad.
    assert "centres de contact en France uniquement" in page

    response = visitor.get(f"/api/v1/companies/{slug}")
    check(openapi(visitor), "/api/v1/companies/{slug}", response, {200})
    data = response.get_json()
    assert data["answered_from"] == {
        "answers": 20,
        "min_answers": 10,
        "shares": {"france": 0.65, "abroad": 0.35, "unknown": 0.0},
        "countries": [{"country": "MA", "answers": 2}, {"country": "TN", "answers": 1}],
        "divergence": True,
    }
    english = text(visitor.get(f"/companies/{slug}?lang=en"))
    assert "According to 20 customers (36 months)" in english and "Tunisia: 1" in english

    dashboard = signed_in(app, world["rep"]).get(f"/dashboard/{slug}").get_data(as_text=True)
    assert "Selon 20 clients (36 mois)" in dashboard
    assert "centres de contact en France uniquement" in dashboard


def test_the_edit_form_keeps_the_answers(app, world):
    shopper = signed_in(app, world["shopper"])
    assert post_form(shopper, f"/companies/{world['slug']}/review", form_data()).status_code == 302
    with app.app_context():
        review_id = get_session().scalar(select(Review.id).where(Review.title == "Appel transféré"))
    page = shopper.get(f"/reviews/{review_id}/edit").get_data(as_text=True)
    assert '<option selected value="TN">' in page
    assert re.search(r'<input checked[^>]*value="abroad"', page)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"answered_country": "ZZ"}, "Choisissez un pays étranger dans la liste."),
        ({"answered_country": "FR"}, "Choisissez un pays étranger dans la liste."),
        (
            {"answered_from": "france"},
            "Un pays ne s&#39;indique que si l&#39;interlocuteur était à l&#39;étranger.",
        ),
        ({"answered_from": "mars"}, "Choisissez « en France », « à l&#39;étranger »"),
        ({"transfers": "25"}, "Indiquez un nombre de transferts entre 0 et 20."),
        ({"transfers": "deux"}, "Indiquez un nombre entier, par exemple 12."),
    ],
)
def test_bad_answers_get_a_french_message_and_nothing_is_lost(app, world, overrides, message):
    shopper = signed_in(app, world["shopper"])
    response = post_form(shopper, f"/companies/{world['slug']}/review", form_data(**overrides))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in page
    assert 'value="Appel transféré"' in page and f"{BODY}</textarea>" in page
    assert '<details class="form-group" id="groupe-appel" open>' in page  # the error shows
    with app.app_context():
        assert get_session().scalar(select(func.count(Review.id))) == 20  # the world's only


def test_bad_country_in_english(app, world):
    shopper = signed_in(app, world["shopper"])
    url = f"/companies/{world['slug']}/review?lang=en"
    page = post_form(shopper, url, form_data(answered_country="ZZ")).get_data(as_text=True)
    assert "Choose a foreign country from the list." in page


def test_answers_are_not_kept_for_a_channel_that_does_not_ask_them(app, world):
    shopper = signed_in(app, world["shopper"])
    response = post_form(shopper, f"/companies/{world['slug']}/review", form_data(channel="email"))
    assert response.status_code == 302
    with app.app_context():
        review = (
            get_session().scalars(select(Review).where(Review.title == "Appel transféré")).one()
        )
        assert (review.answered_from, review.answered_country, review.transfers) == (None,) * 3


def test_figures_per_channel_from_five_reviews(app, client):
    with app.app_context():
        w = World(get_session())
        company = w.company()
        for minutes in (10, 30, 50, 70, 90):
            w.review(company=company, stars=1, hold_minutes=minutes, human_reached=False)
        for _ in range(5):
            w.review(company=company, channel="chat", stars=5, human_reached=True)
        for _ in range(4):
            w.review(company=company, channel="email", stars=4)
        w.commit()
        slug = company.slug
    page = text(client.get(f"/companies/{slug}"))
    assert "Par canal, selon les clients (36 mois)" in page
    table = page[page.index('class="channel-list"') :]
    table = table[: table.index("</ul>")]
    assert "Téléphone" in table and "Chat en ligne" in table
    assert "E-mail ou formulaire" not in table  # 4 reviews only
    assert "Attente médiane : 50 min" in table and "personne : 0 %" in table
    assert "personne : 100 %" in table and "(5 avis)" in table

    response = client.get(f"/api/v1/companies/{slug}")
    check(openapi(client), "/api/v1/companies/{slug}", response, {200})  # documented
    channels = response.get_json()["community"]["channels"]
    assert set(channels) == {"phone", "chat"}
    day = date.today() - timedelta(days=10)
    expected = formula.community_score([formula.RatedReview(day, 5, {})] * 5, date.today())
    assert channels["chat"]["score"] == expected.score and channels["chat"]["count"] == 5
    assert channels["phone"]["median_hold_minutes"] == 50
    assert channels["phone"]["human_reached_rate"] == 0.0
    assert channels["chat"]["score"] > channels["phone"]["score"]
