"""The review form: the star widget is still the radio group, the optional criteria and facts
are collapsible groups (open when they hold something), every error is listed at the top."""

import re

import pytest

from tests.conftest import csrf_token
from tests.factories import World
from tests.helpers import login


@pytest.fixture
def shopper(db, client):
    w = World(db)
    company = w.company(slug="banque-alpha")
    user = w.user()
    w.commit()
    login(client, user.email)
    return f"/companies/{company.slug}/review"


def details(html: str) -> dict[str, bool]:
    """Each collapsible group of the form: id → open."""
    found = re.findall(r'<details class="form-group" id="([a-z-]+)"( open)?>', html)
    return {group: bool(is_open) for group, is_open in found}


def test_the_star_widget_keeps_the_radios_and_the_groups_start_closed(client, shopper):
    html = client.get(shopper).text
    widget = html[html.index('class="field radio-group star-widget') :]
    widget = widget[: widget.index("</fieldset>")]
    assert "<legend>Note globale" in widget
    radios = re.findall(r'<input[^>]*name="stars"[^>]*type="radio"[^>]*value="(\d)"', widget)
    assert radios == ["1", "2", "3", "4", "5"]  # one radio per star, left to right
    for n in range(1, 6):
        label = f"{n} étoile" + ("s" if n > 1 else "")
        assert f'<span class="visually-hidden">{label}</span>' in widget
    closed = dict.fromkeys(("groupe-accueil", "groupe-sav", "groupe-faits", "groupe-appel"), False)
    assert details(html) == closed
    for name in ("reachability", "competence", "hold_minutes", "phone_cost", "answered_from"):
        assert f'name="{name}"' in html


def test_errors_are_listed_at_once_and_open_their_group(client, shopper):
    data = {"csrf_token": csrf_token(client, shopper), "courtesy": "4", "hold_minutes": "douze"}
    response = client.post(shopper, data=data)
    html = response.text
    assert response.status_code == 422
    summary = html[html.index('id="erreurs"') : html.index("</div>", html.index('id="erreurs"'))]
    links = re.findall(r'<a href="#([a-z_]+)(?:-\d)?">', summary)
    # The required fields and the facts' bad number, all in the first answer.
    assert {"channel", "stars", "solved", "title", "body", "hold_minutes"} <= set(links)
    assert details(html) == {
        "groupe-accueil": True,
        "groupe-sav": False,
        "groupe-faits": True,
        "groupe-appel": False,
    }
