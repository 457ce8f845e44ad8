"""The review pages through the real forms (CSRF on), for every role."""

import re
import threading
from datetime import date, timedelta

import pytest
from flask import render_template_string, request
from markupsafe import escape
from sqlalchemy import func, select

from rating.companies import page
from rating.db import get_session
from rating.models import Company, Reply, Report, Review
from rating.reviews.forms import FilterForm
from tests.conftest import csrf_token
from tests.factories import World, make_review, make_user
from tests.helpers import login, post_form

BODY = "Quarante minutes d'attente au téléphone, puis un conseiller très compétent."


def form_data(**overrides) -> dict:
    data = {
        "channel": "phone",
        "experience_date": (date.today() - timedelta(days=3)).isoformat(),
        "stars": "4",
        "solved": "yes",
        "title": "Long mais efficace",
        "body": BODY,
        "reachability": "2",
        "waiting": "1",
        "courtesy": "na",
        "listening": "na",
        "resolution": "5",
        "responsiveness": "na",
        "follow_up": "na",
        "competence": "5",
        "hold_minutes": "40",
        "human_reached": "yes",
        "phone_cost": "free",
        "own_experience": "y",
    }
    data.update(overrides)
    return data


@pytest.fixture
def world(app):
    """A company with a representative, a shopper and a moderator (committed)."""
    with app.app_context():
        w = World(get_session())
        company = w.company(
            mediator_name="Médiateur des communications", mediator_url="https://med.fr"
        )
        other = w.company()
        people = {
            "shopper": w.user(),
            "second": w.user(),
            "rep": w.user(),
            "other_rep": w.user(),
            "moderator": w.user(roles=("moderator",)),
            "unverified": w.user(verified=False),
        }
        w.represent(people["rep"], company)
        w.represent(people["other_rep"], other)
        w.commit()
        names = {key: user.email for key, user in people.items()}
        return {"slug": company.slug, "company_id": company.id, "other": other.slug, **names}


def new_client(app, email):
    client = app.test_client()
    assert login(client, email).status_code in (302, 303)
    return client


def post_review(client, slug, **overrides):
    url = f"/companies/{slug}/review"
    return post_form(client, url, form_data(**overrides))


def only_review(app) -> Review:
    with app.app_context():
        return get_session().scalars(select(Review)).one()


def test_the_whole_flow_post_reply_solved_and_page(app, world):
    shopper = new_client(app, world["shopper"])
    page = shopper.get(f"/companies/{world['slug']}/review").get_data(as_text=True)
    for text in (
        "Joignabilité",
        "Temps d'attente",
        "Compétence",
        "Sans avis",
        "ma propre expérience",
    ):
        assert text in page
    assert page.count("<fieldset") >= 14 and page.count("<legend") >= 14
    response = post_review(shopper, world["slug"])
    assert response.status_code == 302
    review = only_review(app)
    assert review.status == "published" and review.origin == "spontaneous"
    shown = shopper.get(response.headers["Location"], follow_redirects=True).get_data(as_text=True)
    assert "Merci, votre avis est publié." in shown
    # A negative after-sales review would link SignalConso; this one (resolution 5) does not.
    assert "signal.conso.gouv.fr" not in shown

    rep = new_client(app, world["rep"])
    url = f"/reviews/{review.id}/reply"
    answer = "Merci pour votre retour, nous allons réduire l'attente."
    assert post_form(rep, url, {"body": answer}).status_code == 302
    solved = post_form(
        shopper, f"/reviews/{review.id}/solved", {"solved": "yes"}, form_url=f"/reviews/{review.id}"
    )
    assert solved.status_code == 302

    company_page = app.test_client().get(f"/companies/{world['slug']}/avis").get_data(as_text=True)
    assert "Long mais efficace" in company_page and str(escape(answer)) in company_page
    assert "Avis spontané" in company_page and "après la réponse de l" in company_page
    # One 4★ review 3 days old: (15 + 4w) / (5 + w) with w = 0.5**(3/365) → 3.2
    assert re.search(r'score-value">3,2<', company_page)
    assert '<title id="repartition-svg-titre">' in company_page and "<table" in company_page
    assert "Registre public de modération" in company_page


def test_each_invalid_field_gets_its_message_and_input_is_kept(app, world):
    shopper = new_client(app, world["shopper"])
    response = post_review(
        shopper,
        world["slug"],
        experience_date=(date.today() + timedelta(days=2)).isoformat(),
        stars="",
        body="Trop court",
        own_experience="",
        hold_minutes="beaucoup",
        title="Mon titre gardé",
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    for message in (
        "ne peut pas être dans le futur",
        "note globale de 1 à 5",
        "au moins 30 caractères",
        "certifier qu&#39;il s&#39;agit de votre expérience",
    ):
        assert message in page
    assert "Indiquez un nombre entier" in page
    assert 'value="Mon titre gardé"' in page and "Trop court</textarea>" in page
    with app.app_context():
        assert get_session().scalar(select(func.count(Review.id))) == 0


def test_sign_in_and_verified_email_are_required(app, world):
    anonymous = app.test_client()
    response = anonymous.get(f"/companies/{world['slug']}/review")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    unverified = new_client(app, world["unverified"])
    response = unverified.get(f"/companies/{world['slug']}/review")
    assert response.status_code == 302 and "/verification" in response.headers["Location"]


def test_representative_cannot_review_its_company(app, world):
    rep = new_client(app, world["rep"])
    page = rep.get(f"/companies/{world['slug']}/review")
    assert page.status_code == 403 and "Vous représentez cette entreprise" in page.get_data(
        as_text=True
    )
    response = rep.post(
        f"/companies/{world['slug']}/review",
        data={**form_data(), "csrf_token": csrf_token(rep, f"/companies/{world['other']}/review")},
    )
    assert response.status_code == 403


def test_post_without_csrf_token_is_refused(app, world):
    shopper = new_client(app, world["shopper"])
    assert shopper.post(f"/companies/{world['slug']}/review", data=form_data()).status_code == 400


def test_nobody_edits_or_withdraws_another_s_review(app, world):
    author = new_client(app, world["shopper"])
    post_review(author, world["slug"])
    review = only_review(app)
    intruder = new_client(app, world["second"])
    assert intruder.get(f"/reviews/{review.id}/edit").status_code == 403
    token = csrf_token(intruder, f"/companies/{world['slug']}/review")
    edit = intruder.post(
        f"/reviews/{review.id}/edit", data={**form_data(stars="1"), "csrf_token": token}
    )
    assert edit.status_code == 403
    withdraw = intruder.post(f"/reviews/{review.id}/withdraw", data={"csrf_token": token})
    assert withdraw.status_code == 403
    assert only_review(app).stars == 4 and only_review(app).status == "published"


def test_author_edits_with_history_then_withdraws(app, world):
    author = new_client(app, world["shopper"])
    post_review(author, world["slug"])
    review = only_review(app)
    page = author.get(f"/reviews/{review.id}/edit").get_data(as_text=True)
    assert 'value="Long mais efficace"' in page
    response = post_form(author, f"/reviews/{review.id}/edit", form_data(stars="2"))
    assert response.status_code == 302
    shown = author.get(f"/reviews/{review.id}").get_data(as_text=True)
    assert "modifié le" in shown
    response = post_form(
        author, f"/reviews/{review.id}/withdraw", {}, form_url=f"/reviews/{review.id}"
    )
    assert response.status_code == 302 and only_review(app).status == "withdrawn"
    assert app.test_client().get(f"/reviews/{review.id}").status_code == 404


def test_representative_of_another_company_cannot_reply(app, world):
    post_review(new_client(app, world["shopper"]), world["slug"])
    review = only_review(app)
    other_rep = new_client(app, world["other_rep"])
    assert other_rep.get(f"/reviews/{review.id}/reply").status_code == 403
    token = csrf_token(other_rep, f"/reviews/{review.id}/report")
    response = other_rep.post(
        f"/reviews/{review.id}/reply",
        data={"body": "Réponse d'un intrus ici.", "csrf_token": token},
    )
    assert response.status_code == 403
    shopper2 = new_client(app, world["second"])
    assert shopper2.get(f"/reviews/{review.id}/reply").status_code == 403
    with app.app_context():
        assert get_session().scalar(select(func.count(Reply.id))) == 0


def test_report_through_the_form(app, world):
    post_review(new_client(app, world["shopper"]), world["slug"])
    review = only_review(app)
    rep = new_client(app, world["rep"])
    url = f"/reviews/{review.id}/report"
    short = post_form(rep, url, {"reason": "fake", "comment": "Faux"})
    assert short.status_code == 200 and "au moins 20 caractères" in short.get_data(as_text=True)
    ok = post_form(rep, url, {"reason": "fake", "comment": "Aucun client à ce nom ce jour-là."})
    assert ok.status_code == 302
    with app.app_context():
        report = get_session().scalars(select(Report)).one()
        assert (report.kind, report.company_id) == ("authenticity", world["company_id"])


def test_held_review_shows_its_reason_to_its_author_only(app, world):
    author = new_client(app, world["shopper"])
    response = post_review(author, world["slug"], body=BODY + " On m'a promis un code promo.")
    review = only_review(app)
    assert review.status == "pending"
    page = author.get(response.headers["Location"], follow_redirects=True).get_data(as_text=True)
    assert "en attente de modération" in page and "Mention d&#39;une contrepartie" in page
    assert app.test_client().get(f"/reviews/{review.id}").status_code == 404


def test_posting_is_limited_to_one_a_minute(app, world):
    shopper = new_client(app, world["shopper"])
    assert post_review(shopper, world["slug"]).status_code == 302
    second = post_review(shopper, world["other"], body=BODY + " Autre entreprise, autre histoire.")
    assert second.status_code == 429


def test_failed_forms_do_not_use_up_the_posting_limit(app, world):
    shopper = new_client(app, world["shopper"])
    assert post_review(shopper, world["slug"], body="court").status_code == 422
    assert post_review(shopper, world["slug"]).status_code == 302


def test_sixteen_concurrent_submits_through_the_app(app, world):
    """Same signed-in browser, same form, 16 times at once: one review, no 500."""
    first = new_client(app, world["shopper"])
    url = f"/companies/{world['slug']}/review"
    token = csrf_token(first, url)
    cookie = first.get_cookie("session") or first.get_cookie("__Host-session")
    barrier, statuses = threading.Barrier(16), []

    def submit():
        client = app.test_client()
        client.set_cookie(cookie.key, cookie.value)
        barrier.wait(timeout=30)
        statuses.append(client.post(url, data={**form_data(), "csrf_token": token}).status_code)

    threads = [threading.Thread(target=submit) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a submit hung"
    assert len(statuses) == 16 and 500 not in statuses
    assert set(statuses) <= {302, 422, 429}  # 422: the form again ("already reviewed")
    with app.app_context():
        assert get_session().scalar(select(func.count(Review.id))) == 1


def test_company_page_filters_sorts_and_paginates(app, world):
    with app.app_context():
        session = get_session()
        company = session.get(Company, world["company_id"])
        for i in range(12):
            author = make_user(session)
            make_review(
                session, author=author, company=company, channel="email" if i % 2 else "phone",
                experience_date=date.today() - timedelta(days=i), stars=i % 5 + 1,
                solved="yes", title=f"Avis numéro {i:02d}", body=BODY,
                published_at=author.created_at + timedelta(days=i),
            )  # fmt: skip
        session.commit()
    client = app.test_client()
    base = f"/companies/{world['slug']}/avis"
    first = client.get(base).get_data(as_text=True)
    assert first.index("Avis numéro 11") < first.index("Avis numéro 10")  # newest first
    assert "Page 1 sur 2" in first
    emails = client.get(base + "?channel=email").get_data(as_text=True)
    assert "Avis numéro 01" in emails and "Avis numéro 02" not in emails
    worst = client.get(base + "?sort=worst&stars=1").get_data(as_text=True)
    assert "Avis numéro 00" in worst and "Avis numéro 01" not in worst
    assert client.get(base + "?page=2").status_code == 200
    # Negative after-sales reviews (1★) link to the remedies.
    assert "signal.conso.gouv.fr" in worst and "Médiateur des communications" in worst


def test_invitation_links_single_and_csv_and_the_invited_label(app, world):
    rep = new_client(app, world["rep"])
    url = f"/companies/{world['slug']}/invitations"
    assert new_client(app, world["other_rep"]).get(url).status_code == 403
    assert new_client(app, world["shopper"]).get(url).status_code == 403
    page = post_form(rep, url, {"references": ""}).get_data(as_text=True)
    link = re.search(r'value="(http://localhost/companies/[^"]+)"', page).group(1)
    batch = post_form(rep, url, {"references": "CMD-1\nCMD-2\nCMD-3"})
    assert batch.mimetype == "text/csv"
    assert batch.get_data(as_text=True).count("invitation=") == 3
    shopper = new_client(app, world["shopper"])
    path = link.replace("http://localhost", "").replace("&amp;", "&")
    form_page = shopper.get(path).get_data(as_text=True)
    assert "sur invitation" in form_page
    token = re.search(r'name="invitation" type="hidden" value="([^"]+)"', form_page).group(1)
    response = post_form(shopper, path, {**form_data(), "invitation": token})
    assert response.status_code == 302
    assert only_review(app).origin == "invited"
    listing = app.test_client().get(f"/companies/{world['slug']}/avis").get_data(as_text=True)
    assert "Sur invitation (expérience vérifiée)" in listing


def test_partials_render_inside_the_company_page_context(app, world):
    """What the lead includes in companies/detail.html: both partials, with the page's context."""
    post_review(new_client(app, world["shopper"]), world["slug"])
    include = (
        '{% include "reviews/_community_score.html" %}{% include "reviews/_company_reviews.html" %}'
    )
    with app.test_request_context(f"/companies/{world['slug']}?sort=worst"):
        session = get_session()
        found = page.company_page(session, world["slug"], {"sort": "worst"}, 1)
        html = render_template_string(
            include,
            company=found.company,
            community=found.community,
            reviews_page=found.reviews,
            review_filters=FilterForm(request.args),
            review_params={"slug": world["slug"]},
            represented=set(),
        )
    assert "Note de la communauté" in html and "Long mais efficace" in html
    assert 'selected value="worst"' in html


def test_invisible_characters_count_for_nothing_through_the_form(app, world):
    """Letters and digits are what count: 30 zero-width spaces are no review; a bidi override
    is dropped; a spaced or spelled-out number and a disguised address are masked."""
    shopper = new_client(app, world["shopper"])
    response = post_review(shopper, world["slug"], body="\u200b" * 30 + "\u202e" * 5)
    assert response.status_code == 422
    assert "au moins 30 caractères" in response.get_data(as_text=True)
    with app.app_context():
        assert get_session().scalar(select(func.count(Review.id))) == 0
    body = (
        "Rappelez le zéro six douze trente-quatre cinquante-six soixante-dix-huit ou le "
        "0 6 1 2 3 4 5 6 7 8, écrivez à ｐａｕｌ＠ｓａｖ．ｆｒ ou paul [at] sav.fr. "
        "\u202eeniatnemelpmI"
    )
    assert (
        post_review(shopper, world["slug"], body=body, title="Tr\u200bès \u202elong").status_code
        == 302
    )
    review = only_review(app)
    assert review.title == "Très long"
    assert "\u202e" not in review.body and "eniatnemelpmI" in review.body
    assert review.body.count("[numéro masqué]") == 2
    assert review.body.count("[adresse e-mail masquée]") == 2
    assert "06" not in review.body and "sav" not in review.body
