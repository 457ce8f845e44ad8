"""The dashboard pages through the real forms (CSRF on), for every role."""

import csv
import html
import io
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from rating.db import get_session, utcnow
from rating.models import Company, Review, User
from rating.scores import formula
from tests.audit.builders import auditor, campaign, publish, sector_with
from tests.dashboard.conftest import add_invitation, add_review, signed_in
from tests.factories import make_company, make_membership, make_user
from tests.helpers import login


def urls(slug):
    return [f"/dashboard/{slug}", f"/dashboard/{slug}/export.csv"]


def figures_on(page: str) -> dict[str, str]:
    """{label: value} of the "Chiffres clés" list."""
    pairs = re.findall(r'<dt>([^<]+)</dt><dd id="chiffre-[a-z_]+">([^<]*)</dd>', page)
    return {html.unescape(label): html.unescape(value) for label, value in pairs}


def read_export(response) -> tuple[list[dict], dict[str, str]]:
    text = response.get_data().decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";"))
    blank = rows.index([])
    header = rows[0]
    reviews = [dict(zip(header, row, strict=True)) for row in rows[1:blank]]
    assert rows[blank + 1] == ["indicateur", "valeur"]
    return reviews, dict(rows[blank + 2 :])


def test_anonymous_is_sent_to_login(client, world):
    for url in ["/dashboard", *urls(world["a"])]:
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"], url


def test_a_shopper_gets_the_claim_explanation_and_403_on_company_pages(app, world):
    with app.app_context():
        session = get_session()
        user = session.scalar(select(User).where(User.email == world["shopper"]))
        company = session.scalar(select(Company).where(Company.slug == world["c"]))
        make_membership(session, user, company, status="pending")
        session.commit()
        pending_name = company.name
    shopper = signed_in(app, world["shopper"])
    page = shopper.get("/dashboard")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Vous ne représentez encore aucune entreprise" in text
    assert f"{pending_name} : votre demande attend la décision" in text
    for url in urls(world["a"]):
        assert shopper.get(url).status_code == 403, url


def test_a_representative_never_sees_another_company(app, world, caplog):
    other = signed_in(app, world["other_rep"])
    for url in urls(world["a"]):
        assert other.get(url).status_code == 403, url
    assert "not a representative" in caplog.text
    for url in urls("inconnue"):
        assert other.get(url).status_code == 404, url
    assert other.get(f"/dashboard/{world['b']}").status_code == 200


def test_one_company_redirects_several_are_listed(app, world):
    rep = signed_in(app, world["rep"])
    response = rep.get("/dashboard")
    assert response.status_code == 302 and response.headers["Location"].endswith(
        f"/dashboard/{world['a']}"
    )
    with app.app_context():
        session = get_session()
        user = session.scalar(select(User).where(User.email == world["rep"]))
        second = make_company(session, name="Zèbre Télécom")
        make_membership(session, user, second)
        session.commit()
    page = rep.get("/dashboard").get_data(as_text=True)
    assert "Zèbre Télécom" in page and "9 avis attendent une réponse" in page


def test_scorecard_shows_the_right_figures(app, world):
    with app.app_context():
        session = get_session()
        reviews = session.scalars(
            select(Review).where(Review.company_id == world["a_id"], Review.status == "published")
        ).all()
        rated = [formula.RatedReview(r.experience_date, r.stars, r.criteria()) for r in reviews]
        expected = formula.community_score(rated, date.today())
    page = signed_in(app, world["rep"]).get(f"/dashboard/{world['a']}")
    assert page.status_code == 200
    shown = figures_on(page.get_data(as_text=True))
    assert shown["Note de la communauté (sur 5)"] == f"{expected.score:.1f}".replace(".", ",")
    assert shown["Accueil (sur 5)"] == f"{expected.reception:.1f}".replace(".", ",")
    assert shown["Avis comptés dans la note (36 derniers mois)"] == "12"
    assert shown["Taux de réponse"] == "25\u00a0%"  # 3 replies / 12 reviews (Babel, French)
    assert shown["Avis en attente de réponse"] == "9"
    # B (10 reviews, 2.5★ mean) and A rank; C (3 reviews) does not.
    assert shown["Rang dans le secteur"] == "1er sur 2"
    c = signed_in(app, world["other_rep"])
    assert (
        figures_on(c.get(f"/dashboard/{world['b']}").get_data(as_text=True))["Rang dans le secteur"]
        == "2e sur 2"
    )
    assert shown["Dernière note d'audit"] == "pas encore audité"


def test_export_figures_equal_the_page(app, world):
    rep = signed_in(app, world["rep"])
    shown = figures_on(rep.get(f"/dashboard/{world['a']}").get_data(as_text=True))
    response = rep.get(f"/dashboard/{world['a']}/export.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    reviews, exported = read_export(response)
    assert exported == shown and len(shown) >= 12
    assert len(reviews) == 12 and {r["statut"] for r in reviews} == {"Publié"}
    replied = [r for r in reviews if r["date_reponse"]]
    assert sorted(int(r["id"]) for r in replied) == sorted(world["answered"])


def test_the_export_is_rate_limited_per_account(app, world):
    app.config["DASHBOARD_EXPORT_LIMIT"] = "2/hour"
    rep = signed_in(app, world["rep"])
    url = f"/dashboard/{world['a']}/export.csv"
    assert [rep.get(url).status_code for _ in range(3)] == [200, 200, 429]
    assert (
        signed_in(app, world["other_rep"]).get(f"/dashboard/{world['b']}/export.csv").status_code
        == 200
    )


def test_formula_cells_are_neutralised_in_the_export(app, world):
    with app.app_context():
        session = get_session()
        company = session.scalar(select(Company).where(Company.slug == world["a"]))
        add_review(
            session,
            company,
            title='=HYPERLINK("http://pirate.example","Cliquez")',
            body="@SUM(1+1) puis un texte assez long pour passer la règle des 30 caractères.",
        )
        session.commit()
    response = signed_in(app, world["rep"]).get(f"/dashboard/{world['a']}/export.csv")
    reviews, _ = read_export(response)
    row = next(r for r in reviews if "HYPERLINK" in r["titre"])
    assert row["titre"] == '\'=HYPERLINK("http://pirate.example","Cliquez")'
    assert row["texte"].startswith("'@SUM(1+1)")


def test_awaiting_list_is_oldest_first_with_its_age(app, world):
    with app.app_context():
        session = get_session()
        company = session.scalar(select(Company).where(Company.slug == world["a"]))
        old = add_review(session, company, published_at=utcnow() - timedelta(days=30))
        session.commit()
        old_id = old.id
    page = signed_in(app, world["rep"]).get(f"/dashboard/{world['a']}").get_data(as_text=True)
    listed = [int(n) for n in re.findall(r'<textarea id="reponse-(\d+)"', page)]
    assert listed[0] == old_id and sorted(listed[1:]) == listed[1:]
    assert set(listed) == {old_id, *world["awaiting"]}
    assert "En attente depuis 30 jours" in page


def test_reply_from_the_dashboard_returns_to_it(app, world):
    rep = signed_in(app, world["rep"])
    url = f"/dashboard/{world['a']}"
    page = rep.get(url).get_data(as_text=True)
    oldest = world["awaiting"][0]  # published first, so listed first
    assert f'id="reponse-{oldest}"' in page
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    action = html.unescape(re.search(rf'action="(/reviews/{oldest}/reply[^"]*)"', page).group(1))
    response = rep.post(
        action,
        data={"csrf_token": token, "next": "dashboard", "body": "Merci, nous vous rappelons."},
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"{url}#a-repondre")
    after = rep.get(url).get_data(as_text=True)
    assert "La réponse est publiée." in after and f'id="reponse-{oldest}"' not in after
    assert figures_on(after)["Avis en attente de réponse"] == "8"


@pytest.mark.parametrize("target", ["https://pirate.example/", "//pirate.example", "/dashboard"])
def test_reply_next_is_a_fixed_choice_not_a_url(app, world, target):
    rep = signed_in(app, world["rep"])
    review_id = world["awaiting"][0]
    form = f"/reviews/{review_id}/reply"
    token = re.search(
        r'name="csrf_token" type="hidden" value="([^"]+)"', rep.get(form).get_data(as_text=True)
    ).group(1)
    response = rep.post(
        form, data={"csrf_token": token, "next": target, "body": "Merci pour votre avis."}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == f"/reviews/{review_id}"


def test_reply_errors_keep_the_way_back_to_the_dashboard(app, world):
    rep = signed_in(app, world["rep"])
    page = rep.get(f"/dashboard/{world['a']}").get_data(as_text=True)
    review_id = world["awaiting"][0]
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    action = f"/reviews/{review_id}/reply?next=dashboard"
    short = rep.post(action, data={"csrf_token": token, "next": "dashboard", "body": "Ok"})
    assert short.status_code == 200  # the reply page, with the error, at the same URL
    assert '<form method="post" novalidate>' in short.get_data(as_text=True)
    fixed = rep.post(action, data={"csrf_token": token, "body": "Merci, nous vous rappelons."})
    assert fixed.headers["Location"].endswith(f"/dashboard/{world['a']}#a-repondre")


def test_charts_have_title_desc_and_a_text_alternative_without_script_or_style(app, world):
    page = signed_in(app, world["rep"]).get(f"/dashboard/{world['a']}").get_data(as_text=True)
    svgs = re.findall(r'<svg class="[^"]*" role="img" aria-labelledby="([^"]+)"', page)
    assert len(svgs) == 4  # score, criteria, volume, stars
    for ids in svgs:
        title, desc = ids.split()
        assert f'<title id="{title}">' in page and f'<desc id="{desc}">' in page
    assert page.count('<details class="chart-data">') == 4
    assert "<polyline" in page and "stroke-dasharray" in page  # second series is dashed
    # The description speaks the values: reception (2 + 3) / 2 in the only month with criteria.
    assert '<desc id="graphique-criteres-desc">Accueil : 2,5 en ' in page
    assert " style=" not in page and "<script>" not in page
    assert page.count("<script") == 1  # only the site's deferred autocomplete
    assert re.search(r"css/dashboard(-[0-9a-f]{32})?\.css", page)
    english = signed_in(app, world["rep"]).get(f"/dashboard/{world['a']}?lang=en")
    assert english.status_code == 200 and 'lang="en"' in english.get_data(as_text=True)


def test_invitations_and_the_reviews_they_brought(app, world):
    with app.app_context():
        session = get_session()
        company = session.scalar(select(Company).where(Company.slug == world["a"]))
        rep = session.scalar(select(User).where(User.email == world["rep"]))
        used = add_invitation(session, company, rep, batch="20261101-100000", used=True, n=1)
        add_invitation(session, company, rep, batch="20261101-100000", n=2)
        add_review(session, company, stars=4, origin="invited", invitation_id=used.id)
        session.commit()
    page = signed_in(app, world["rep"]).get(f"/dashboard/{world['a']}").get_data(as_text=True)
    row = re.search(r"<th scope=\"row\">20261101-100000</th>(.*?)</tr>", page).group(1)
    assert re.findall(r"<td>([^<]*)</td>", row)[1:] == ["2", "1", "0", "1", "1", "4,0 / 5"]


def test_audit_history_with_per_channel_kpis(app, world):
    with app.app_context():
        session = get_session()
        sector, (company,) = sector_with(session, 1, prefix="audite")
        author, reviewer = auditor(session), auditor(session)
        publish(session, campaign(session, author, [sector], per_sector=1), author, reviewer)
        rep = make_user(session)
        make_membership(session, rep, company)
        session.commit()
        slug, email = company.slug, rep.email
    client = app.test_client()
    login(client, email)
    page = client.get(f"/dashboard/{slug}").get_data(as_text=True)
    assert "Période 2026-T4" in page and "Note par canal (sur 100), période 2026-T4" in page
    assert "Téléphone" in page and "Taux d&#39;accessibilité" in page
    assert figures_on(page)["Dernière note d'audit"].startswith("A, 20,0/20")


def test_export_in_english_has_decimal_points_and_english_labels(app, world):
    """The export follows the page's language: the same figures, words and numbers."""
    rep = signed_in(app, world["rep"])
    shown = figures_on(rep.get(f"/dashboard/{world['a']}?lang=en").get_data(as_text=True))
    reviews, exported = read_export(rep.get(f"/dashboard/{world['a']}/export.csv"))
    assert exported == shown
    assert exported["Reply rate"] == "25%"
    score = exported["Community score (out of 5)"]
    assert re.fullmatch(r"[0-9]\.[0-9]", score), score
    assert not any(re.search(r"[0-9],[0-9]", value) for value in exported.values())
    assert {r["statut"] for r in reviews} == {"Published"}
    assert {r["canal"] for r in reviews} <= {"Phone", "E-mail or form", "Live chat"}


def test_a_representative_is_not_offered_to_answer_a_review_they_wrote(app, world):
    """A shopper who later represents the company: the reply form would be refused (a
    representative never answers their own review); a colleague may answer it."""
    with app.app_context():
        session = get_session()
        rep = session.scalar(select(User).where(User.email == world["rep"]))
        company = session.scalar(select(Company).where(Company.slug == world["a"]))
        own = add_review(session, company, days_ago=400, author=rep)
        session.commit()
        own_id = own.id
    page = signed_in(app, world["rep"]).get(f"/dashboard/{world['a']}").get_data(as_text=True)
    assert "un collègue peut y répondre, pas vous" in page
    assert f'id="reponse-{own_id}"' not in page
    assert f'id="reponse-{world["awaiting"][0]}"' in page
