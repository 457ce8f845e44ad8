"""The embeddable badge: what it shows, escaping, caching (ETag, 304), the embed snippet."""

import re
import xml.etree.ElementTree as ET

from flask import render_template

from rating.palmares.badge import badge_text, shorten
from rating.palmares.pages import badge_embed
from tests.factories import make_company
from tests.palmares.conftest import add_reviews

SVG = "{http://www.w3.org/2000/svg}"


def get_badge(client, slug, **headers):
    return client.get(f"/companies/{slug}/badge.svg", headers=headers)


def parse(response):
    return ET.fromstring(response.data)  # noqa: S314 - our own badge, in a test


def texts(response) -> str:
    root = parse(response)
    return " ".join(t for t in root.itertext() if t.strip())


def test_badge_shows_score_count_letter_and_links_back(client, ranked_sector):
    zeta = ranked_sector["Zeta"]
    response = get_badge(client, zeta.slug)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "image/svg+xml; charset=utf-8"
    assert response.headers["Cache-Control"] == "public, max-age=3600"
    root = parse(response)
    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    title = root.find(f"{SVG}title")
    assert root[0] is title and root.get("aria-labelledby") == title.get("id")
    assert title.text.startswith("Observatoire du service client — Zeta : avis clients 4,")
    assert "sur 10 avis ; note d'audit A (2026-T4, méthodologie v1)" in title.text
    link = root.find(f"{SVG}a")
    assert link.get("href") == f"http://localhost/companies/{zeta.slug}"
    shown = texts(response)
    assert re.search(r"4,\d/5\s+· 10 avis", shown) and "Audit 2026-T4" in shown
    assert shown.split()[-1] == "A"


def test_badge_without_reviews_or_grade_says_so(client, ranked_sector):
    kappa, gamma = ranked_sector["Kappa"], ranked_sector["Gamma"]
    kappa_text = texts(get_badge(client, kappa.slug))
    assert (
        "Avis clients Aucun avis Audit" in kappa_text
        and "audit 2026-T4 : données insuffisantes" in kappa_text
    )
    assert kappa_text.split()[-1] == "—"  # insufficient data: no letter
    gamma_text = texts(get_badge(client, gamma.slug))
    assert "9 avis" in gamma_text and "pas encore de note d'audit" in gamma_text


def test_badge_escapes_the_company_name(client, session):
    make_company(session, slug="a-b", name="""L'<b>Écho</b> & "Fils" """)
    session.commit()
    response = get_badge(client, "a-b")
    body = response.get_data(as_text=True)
    assert "<b>" not in body and "&lt;b&gt;" in body and "&amp;" in body
    title = parse(response).find(f"{SVG}title").text
    assert """L'<b>Écho</b> & "Fils" : aucun avis client""" in title


def test_badge_is_a_plain_image_under_the_site_csp(client, ranked_sector):
    response = get_badge(client, ranked_sector["Mu"].slug)
    body = response.get_data(as_text=True)
    # Nothing the CSP (style-src 'self', script-src 'self') or an <img> would refuse.
    for forbidden in ("<script", "<style", "style=", "@import", "url(", "<image", "<foreign"):
        assert forbidden not in body
    assert not re.search(r"\son\w+=", body)  # no event handler attribute
    assert "font-family=\"Verdana, 'DejaVu Sans', Arial, sans-serif\"" in body
    assert response.headers["Cross-Origin-Resource-Policy"] == "cross-origin"
    # Shared caches may keep it: it sets no cookie.
    assert "Set-Cookie" not in response.headers


def test_etag_gives_304_then_changes_with_a_new_review(client, session, ranked_sector, authors):
    zeta = ranked_sector["Zeta"]
    first = get_badge(client, zeta.slug)
    etag = first.headers["ETag"]
    assert re.fullmatch(r'"[0-9a-f]{32}"', etag)
    for sent in (etag, f"W/{etag}", f'"autre", {etag}'):
        again = get_badge(client, zeta.slug, **{"If-None-Match": sent})
        assert again.status_code == 304 and again.data == b""
        assert again.headers["ETag"] == etag
        assert again.headers["Cache-Control"] == "public, max-age=3600"
    assert get_badge(client, zeta.slug, **{"If-None-Match": '"perime"'}).status_code == 200
    add_reviews(session, zeta, authors[10:], 1, stars=1)
    session.commit()
    changed = get_badge(client, zeta.slug, **{"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert "11 avis" in texts(changed)


def test_unknown_company_gets_the_french_404(client, session):
    for slug in ("inconnue", "nul%00", "x" * 300):
        response = get_badge(client, slug)
        assert response.status_code == 404
        assert "Cette page n&#39;existe pas." in response.get_data(as_text=True)


def test_badge_texts_are_french_and_short():
    text = badge_text("Une entreprise au nom vraiment très très long", 4.3, 12345, "B",
                      "2026-T4", "v1")  # fmt: skip
    assert text.score == "4,3/5"
    assert text.reviews == " · 12\u202f345 avis"
    assert text.name == shorten("Une entreprise au nom vraiment très très long")
    assert len(text.name) == 30 and text.name.endswith("…")
    assert (text.letter_fill, text.letter_ink) == ("#3d6e14", "#ffffff")


def test_embed_snippet_on_the_company_page(app, client, session):
    company = make_company(session, slug="echo", name='Écho & "Fils"')
    session.commit()
    with app.test_request_context(f"/companies/{company.slug}"):
        embed = badge_embed(company)
        html = render_template("palmares/_badge_embed.html", badge_embed=embed)
    assert embed.snippet == (
        '<a href="http://localhost/companies/echo"><img src="http://localhost/companies/echo/'
        'badge.svg" alt="Avis clients et note d&#39;audit de Écho &amp; &#34;Fils&#34; sur '
        'Observatoire" width="300" height="80"></a>'
    )
    assert "<summary>Intégrer le badge</summary>" in html
    # Shown as text to copy (escaped once more), beside a live preview.
    assert "&lt;a href=&#34;http://localhost/companies/echo&#34;&gt;" in html
    assert '<img src="http://localhost/companies/echo/badge.svg"' in html
