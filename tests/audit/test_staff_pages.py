"""Campaign tests shown page by page, and the confirmation page before an immutable
publication: it shows what will be published, and publishes only once ticked (four eyes)."""

import re

import pytest
from sqlalchemy import func, select

from rating.audit import decisions
from rating.models import Publication
from tests.factories import World, full_rows
from tests.helpers import login, post_form


@pytest.fixture
def audit(db):
    """A submitted campaign of 3 companies with 60 tests (20 each), its author and a second."""
    w = World(db)
    sector, companies = w.sector_with(3, prefix="banque")
    author, second = w.auditor(password=True), w.auditor(password=True)
    rows = [r for company in companies for r in full_rows(company.slug)]
    draft = w.campaign(author, [sector], per_sector=3, auditors=[second], tests=rows)
    decisions.submit_campaign(db, draft, author)
    w.commit()
    return {"url": f"/audit/campaigns/{draft.id}", "author": author.email,
            "second": second.email, "names": [c.name for c in companies]}  # fmt: skip


def rows_shown(html: str) -> int:
    section = html[html.index('id="tests"') : html.index('id="decisions"')]
    return len(re.findall(r"<tr>\s*<td>", section))


def published(db) -> int:
    """Publications stored, read without holding a transaction while requests run."""
    db.rollback()
    count = db.scalar(select(func.count()).select_from(Publication))
    db.rollback()
    return count


def test_campaign_tests_are_paginated(client, audit):
    login(client, audit["author"])
    first = client.get(audit["url"]).get_data(as_text=True)
    assert "Tests saisis (60)" in first
    assert rows_shown(first) == 50
    assert "Tests 1 à 50 sur 60, les plus récents d" in first
    assert f'href="{audit["url"]}?page=2#tests"' in first
    second = client.get(f"{audit['url']}?page=2").get_data(as_text=True)
    assert rows_shown(second) == 10 and "Tests 51 à 60 sur 60" in second
    assert "grade-A" in second  # the grades preview still covers every test
    assert rows_shown(client.get(f"{audit['url']}?page=9").get_data(as_text=True)) == 10


def test_publishing_goes_through_a_confirmation_page(client, db, audit):
    url = audit["url"]
    login(client, audit["second"])
    campaign_page = client.get(url).get_data(as_text=True)
    assert f'href="{url}/approve"' in campaign_page  # a link to the confirmation, no form
    assert f'action="{url}/approve"' not in campaign_page
    confirm = client.get(f"{url}/approve")
    html = confirm.get_data(as_text=True)
    assert confirm.status_code == 200
    assert "Cette publication est définitive." in html
    assert "2026-T4" in html and ">v1</a>" in html
    assert all(name in html for name in audit["names"]) and "grade-A" in html
    assert published(db) == 0  # looking publishes nothing
    refused = post_form(client, f"{url}/approve", {}, form_url=f"{url}/approve")
    assert refused.status_code == 400
    assert "Cochez la case pour confirmer la publication." in refused.get_data(as_text=True)
    assert published(db) == 0
    done = post_form(client, f"{url}/approve", {"confirm": "y"}, form_url=f"{url}/approve")
    assert done.status_code == 302 and published(db) == 1


def test_the_author_cannot_confirm_their_own_campaign(client, db, audit):
    url = audit["url"]
    login(client, audit["author"])
    page = client.get(f"{url}/approve", follow_redirects=True).get_data(as_text=True)
    assert "Cette publication est définitive." not in page
    assert "L&#39;auteur de la campagne ne peut pas l&#39;approuver lui-même." in page
    token_page = url  # the campaign page carries a CSRF token (submit/refuse forms or logout)
    response = post_form(client, f"{url}/approve", {"confirm": "y"}, form_url=token_page)
    assert response.status_code == 400 and published(db) == 0
