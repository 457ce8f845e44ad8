"""Two app instances ("hosts") on one database and one real Redis: a page one renders is
served by the other, and a limit counted by one applies on the other. Without REDIS_URL,
each keeps its own page cache (the control that shows the Redis case can fail)."""

import pytest
import redis
from sqlalchemy import text

from rating import create_app
from tests.factories import World
from tests.helpers import post_form

pytestmark = pytest.mark.processes  # starts redis-server; runs once, on SQLite


def hosts(app, redis_url: str | None):
    """Two apps as two hosts would build them: same database and secret, own index."""
    keys = ("TESTING", "SECRET_KEY", "DATABASE_URL", "MAIL_OUTBOX_DIR", "SITE_URL")
    shared = {key: app.config[key] for key in keys}
    made = []
    for name in ("a", "b"):
        config = {**shared, "SEARCH_INDEX_DIR": f"{app.config['SEARCH_INDEX_DIR']}-{name}"}
        if redis_url:
            config["REDIS_URL"] = redis_url
        made.append(create_app(config))
    return made


@pytest.fixture
def flushed(redis_url):
    """The module's Redis, emptied before each test (entries and counters of the previous)."""
    with redis.Redis.from_url(redis_url) as client:
        client.flushall()
    return redis_url


@pytest.mark.parametrize("shared", [True, False])
def test_a_page_rendered_by_one_host_is_served_by_the_other(app, db, flushed, shared):
    company = World(db).company(name="Rendue Par A")
    db.commit()
    host_a, host_b = hosts(app, flushed if shared else None)
    url = f"/companies/{company.slug}"
    assert "Rendue Par A" in host_a.test_client().get(url).text
    # Renamed behind the app's back: no stamp moves, so only a kept render shows the old name.
    db.execute(
        text("UPDATE companies SET name = 'Jamais Rendue' WHERE id = :id"), {"id": company.id}
    )
    db.commit()
    page = host_b.test_client().get(url).text
    if shared:
        assert "Rendue Par A" in page and "Jamais Rendue" not in page
    else:
        assert "Jamais Rendue" in page


@pytest.mark.parametrize("wiped", [False, True])
def test_a_limit_counted_by_one_host_applies_on_the_other(app, flushed, wiped):
    """/reset: 10 an hour per address, 6 sent through A, then 5 through B. The control: the
    counts are in Redis, not in this process (two apps in one process would share its
    memory:// store), since emptying Redis between A and B forgets them."""
    host_a, host_b = hosts(app, flushed)
    client_a, client_b = host_a.test_client(), host_b.test_client()
    through_a = [
        post_form(client_a, "/reset", {"email": f"a{n}@example.org"}).status_code for n in range(6)
    ]
    if wiped:
        with redis.Redis.from_url(flushed) as client:
            client.flushall()
    through_b = [
        post_form(client_b, "/reset", {"email": f"b{n}@example.org"}).status_code for n in range(5)
    ]
    assert through_a == [302] * 6
    assert through_b == ([302] * 5 if wiped else [302] * 4 + [429])
