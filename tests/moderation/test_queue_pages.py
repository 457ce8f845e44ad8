"""The moderation queue as a moderator uses it: 20 items a page, filters with their counts,
and after a refused decision the page comes back on the item with the error beside it."""

import re
from datetime import timedelta

import pytest

from rating.db import utcnow
from rating.models import ReviewSignal
from tests.factories import World
from tests.helpers import login, post_form


@pytest.fixture
def queue(db):
    """23 held reviews (one 9 days old), 2 reported published reviews, 1 flagged one."""
    w = World(db)
    company = w.company(name="Banque Alpha")
    moderator = w.user(roles=("moderator",))
    now = utcnow()
    waited = [now - timedelta(days=9)] + [now - timedelta(days=1, minutes=-i) for i in range(1, 23)]
    held = [
        w.review(company=company, status="pending", published_at=None, created_at=when)
        for when in waited
    ]
    reported = [w.review(company=company) for _ in range(2)]
    for review in reported:
        w.report(review, w.user())
    flagged = w.review(company=company)
    w._add(ReviewSignal(review_id=flagged.id, code="duplicate", action="flag",
                        linked_review_id=held[5].id))  # fmt: skip
    w.commit()
    return {"moderator": moderator.email, "held": [r.id for r in held],
            "reported": [r.id for r in reported], "flagged": flagged.id}  # fmt: skip


def items_on(html: str) -> list[str]:
    return re.findall(r'<article class="panel moderation-item[^"]*" id="(item-\d+)"', html)


def count_of(html: str, label: str) -> int:
    found = re.search(label + r' <span class="queue-count">(\d+)</span>', html)
    return int(found.group(1))


def test_the_queue_is_paginated_with_filters_and_counts(client, queue):
    login(client, queue["moderator"])
    first = client.get("/moderation").get_data(as_text=True)
    assert len(items_on(first)) == 20
    assert items_on(first)[0] == f"item-{queue['held'][0]}"  # the longest-waiting first
    assert "Page 1 sur 2" in first and 'href="/moderation?page=2"' in first
    assert count_of(first, "Tout") == 26
    assert count_of(first, "En attente") == 23
    assert count_of(first, "Signalés") == 2
    assert count_of(first, "Liés par les contrôles") == 1
    assert count_of(first, "En retard") == 1
    assert count_of(first, "Contenus illicites et contestations") == 0
    second = client.get("/moderation?page=2").get_data(as_text=True)
    assert len(items_on(second)) == 6
    assert not set(items_on(first)) & set(items_on(second))
    reported = client.get("/moderation?filter=reported").get_data(as_text=True)
    assert sorted(items_on(reported)) == sorted(f"item-{i}" for i in queue["reported"])
    assert 'aria-current="page">Signalés' in reported
    overdue = client.get("/moderation?filter=overdue").get_data(as_text=True)
    assert items_on(overdue) == [f"item-{queue['held'][0]}"]
    flagged = client.get("/moderation?filter=flagged").get_data(as_text=True)
    assert items_on(flagged) == [f"item-{queue['flagged']}"]
    notices = client.get("/moderation?filter=notices").get_data(as_text=True)
    assert items_on(notices) == [] and "Rien dans ce filtre pour le moment." in notices
    # An unknown filter is no filter; a page past the last shows the last.
    assert len(items_on(client.get("/moderation?filter=zzz").get_data(as_text=True))) == 20
    assert len(items_on(client.get("/moderation?page=99").get_data(as_text=True))) == 6


def test_a_refused_decision_comes_back_on_its_item(client, queue):
    login(client, queue["moderator"])
    target = queue["held"][-1]  # on page 2
    url = f"/moderation/reviews/{target}?page=2"
    response = post_form(client, url, {"decision": "reject", "comment": "doublon"},
                         form_url="/moderation")  # fmt: skip
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert f"item-{target}" in items_on(html)  # the page that holds the item
    # The error sits inside the item's article, and its form keeps what was typed.
    article = html[html.index(f'id="item-{target}"') :]
    article = article[: article.index("</article>")]
    assert "Choisissez le motif du refus dans la liste." in article
    assert 'value="reject" checked' in article and "doublon</textarea>" in article
    # The form sends the browser back to the item: its action ends with the anchor.
    assert f'action="/moderation/reviews/{target}?page=2#item-{target}"' in html


def test_a_link_to_an_item_opens_the_page_that_holds_it(client, queue):
    login(client, queue["moderator"])
    last = queue["held"][-1]
    html = client.get(f"/moderation?item=item-{last}").get_data(as_text=True)
    assert f"item-{last}" in items_on(html) and "Page 2 sur 2" in html
    flagged = client.get("/moderation?filter=flagged").get_data(as_text=True)
    linked = queue["held"][5]
    assert f'href="/moderation?item=item-{linked}#item-{linked}"' in flagged
