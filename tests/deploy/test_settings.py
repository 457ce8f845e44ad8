"""Settings of a deployment: the stores that REDIS_URL selects, what production refuses to
start with (and says why), and a Redis that stops answering."""

import shutil

import pytest

from rating import create_app
from rating.config import check_production, settings_from_environment, shared_stores
from rating.pagecache import deployment_fingerprint
from tests.conftest import TEST_SECRET, free_port
from tests.factories import World
from tests.helpers import post_form

PRODUCTION = {
    "APP_ENV": "production",
    "SECRET_KEY": TEST_SECRET,
    "SITE_URL": "https://avis.example.fr",
    "SESSION_COOKIE_SECURE": "true",
}


def production_app(app, **environment):
    """An app built from the environment a production host would have, on the test's database."""
    settings = settings_from_environment({**PRODUCTION, **environment})
    keys = ("TESTING", "DATABASE_URL", "SEARCH_INDEX_DIR", "MAIL_OUTBOX_DIR")
    return create_app({**{key: app.config[key] for key in keys}, **settings})


def test_redis_url_puts_the_page_cache_and_the_limits_in_redis():
    config = {"RATELIMIT_STORAGE_URI": "memory://", "REDIS_URL": "redis://10.0.0.20:6379/0"}
    shared_stores(config)
    assert config["RATELIMIT_STORAGE_URI"] == "redis://10.0.0.20:6379/0"
    assert config["CACHE_TYPE"] == "rating.pagecache.TolerantRedisCache"
    assert config["CACHE_REDIS_URL"] == "redis://10.0.0.20:6379/0"
    assert config["RATELIMIT_IN_MEMORY_FALLBACK_ENABLED"] is True


def test_without_redis_url_each_process_keeps_its_own_and_named_stores_are_kept():
    alone = {"RATELIMIT_STORAGE_URI": "memory://"}
    shared_stores(alone)
    assert alone == {"RATELIMIT_STORAGE_URI": "memory://"}
    named = {
        "REDIS_URL": "redis://10.0.0.20/0",
        "RATELIMIT_STORAGE_URI": "memcached://10.0.0.21:11211",
        "CACHE_TYPE": "NullCache",  # bench/load.py --no-cache
    }
    shared_stores(named)
    assert named["RATELIMIT_STORAGE_URI"] == "memcached://10.0.0.21:11211"
    assert named["CACHE_TYPE"] == "NullCache"


@pytest.mark.parametrize(
    ("environment", "message"),
    [
        ({"SITE_URL": ""}, "SITE_URL must be set in production"),
        ({"SESSION_COOKIE_SECURE": "false"}, "SESSION_COOKIE_SECURE must be true"),
        ({"WEB_CONCURRENCY": "2"}, "WEB_CONCURRENCY=2 workers with per-process rate limits"),
        (
            {"WEB_CONCURRENCY": "4", "RATELIMIT_STORAGE_URI": "memory://"},
            "set REDIS_URL",
        ),
    ],
)
def test_production_refuses_to_start_with_the_setting_to_fix(app, environment, message):
    with pytest.raises(RuntimeError, match=message):
        production_app(app, **environment)


@pytest.mark.parametrize(
    "environment",
    [
        {"WEB_CONCURRENCY": "1"},  # one worker: its own counters are the only ones
        {"WEB_CONCURRENCY": "4", "REDIS_URL": "redis://127.0.0.1:6379/0"},
        {"WEB_CONCURRENCY": "4", "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/1"},
    ],
)
def test_production_starts_with_shared_limits_or_a_single_worker(app, environment):
    started = production_app(app, **environment)
    assert started.config["SESSION_COOKIE_NAME"] == "__Host-session"
    started.extensions["rating.engine"].dispose()


def test_development_accepts_per_process_limits_with_several_workers():
    check_production({"APP_ENV": "development", "WEB_CONCURRENCY": 4})


def test_an_unreachable_redis_costs_the_cache_and_shared_limits_never_a_page(app, db):
    """Redis down: pages are rendered without the cache, limits count per process."""
    company = World(db).company(name="Panne Redis SA")
    db.commit()
    keys = ("TESTING", "SECRET_KEY", "DATABASE_URL", "SEARCH_INDEX_DIR", "MAIL_OUTBOX_DIR")
    down = create_app(
        {
            **{key: app.config[key] for key in keys},
            "SITE_URL": "http://localhost",
            "REDIS_URL": f"redis://127.0.0.1:{free_port()}/0",  # nobody listens there
        }
    )
    client = down.test_client()
    for _ in range(2):
        page = client.get(f"/companies/{company.slug}")
        assert page.status_code == 200 and "Panne Redis SA" in page.text
    statuses = [
        post_form(client, "/reset", {"email": f"x{n}@example.org"}).status_code for n in range(11)
    ]
    assert statuses == [302] * 10 + [429]
    down.extensions["rating.engine"].dispose()


def test_every_host_of_a_release_has_the_same_page_fingerprint(app, tmp_path):
    """The page cache's salt depends on the files' content, not on when they were copied."""
    root = tmp_path / "checkout"
    source = app.root_path.rsplit("/", 1)[0]
    # shutil.copy, not copy2: the copies get new modification times, as on another host.
    shutil.copytree(f"{source}/templates", root / "templates", copy_function=shutil.copy)
    translations = root / "rating" / "translations"
    shutil.copytree(f"{app.root_path}/translations", translations, copy_function=shutil.copy)

    class Checkout:
        root_path = str(root / "rating")

    assert deployment_fingerprint(Checkout) == deployment_fingerprint(app)
    page = next((root / "templates").rglob("*.html"))
    page.write_text(page.read_text() + "\n")
    assert deployment_fingerprint(Checkout) != deployment_fingerprint(app)
