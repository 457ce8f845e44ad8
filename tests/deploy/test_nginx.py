"""The deployment recipe, run: Debian's nginx with deploy/'s proxy rules in front of two
gunicorn hosts (deploy/gunicorn.conf.py; each its own instance and search index), one
PostgreSQL database and one Redis, all real, on 127.0.0.1.

Checks: a shopper's journey through nginx; 50 idle, half-sent connections do not stop
/healthz; the rate limit counts the real client's address, not a header it sends, and
whichever host answers; an edit through one host is found by the other's search; a page
rendered by one host is served by the other from the shared cache.

Marked `processes` (servers of its own): CI runs it once, in the SQLite pass; it starts its
own PostgreSQL cluster (.ci/pg-cluster) whatever DATABASE_URL says. Every wait polls for its
condition with a generous ceiling, never a fixed sleep.
"""

import json
import shutil
import socket
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from rating import create_app
from tests.conftest import TEST_SECRET, free_port, require
from tests.deploy.stack import DEPLOY, NGINX, ROOT, Browser, Host, Nginx, nginx_user, start_postgres
from tests.factories import World, use_app
from tests.helpers import login, post_form
from tests.reviews.test_views import form_data

pytestmark = pytest.mark.processes

CEILING = 90  # seconds any one wait may last; only a broken deployment reaches it
IDLE_CONNECTIONS = 50


@dataclass
class Stack:
    nginx: Nginx
    hosts: tuple[Host, Host]
    database_url: str
    slugs: dict[str, str]  # the companies, by their part in the tests
    ids: dict[str, int]  # their ids, and the sector's

    @property
    def url(self) -> str:
        return self.nginx.url


def seed(database_url: str, workdir) -> tuple[dict[str, str], dict[str, int]]:
    """A shopper, an administrator and three companies, in the shared database."""
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": TEST_SECRET,
            "DATABASE_URL": database_url,
            "SEARCH_INDEX_DIR": str(workdir / "seed-index"),
            "SITE_URL": "http://localhost",
        }
    )
    use_app(app)
    db = app.extensions["rating.db.write"]()
    w = World(db)
    sector = w.sector(slug="energie", name="Énergie")
    w.user(email="cliente@example.org", pseudonym="Cliente")
    w.user(email="admin@example.org", pseudonym="Admine", roles=("admin",))
    companies = {
        key: w.company(sector, slug=slug, name=name, legal_name=f"{name} SA")
        for key, slug, name in (
            ("reviewed", "volt-energie", "Volt Énergie"),
            ("renamed", "gaz-ancien", "Gaz Ancien"),
            ("cached", "lumiere-ouest", "Lumière Ouest"),
        )
    }
    w.commit()
    ids = {"sector": sector.id, **{key: company.id for key, company in companies.items()}}
    found = ({key: company.slug for key, company in companies.items()}, ids)
    db.close()
    app.extensions["rating.engine"].dispose()
    return found


@pytest.fixture(scope="module")
def stack(tmp_path_factory, redis_url):
    workdir = tmp_path_factory.mktemp("deploy")
    database_url, stop_postgres = start_postgres()
    hosts, nginx = [], None
    try:
        nginx_port = free_port()
        hosts = [
            Host(
                workdir / name,
                database_url=database_url,
                redis_url=redis_url,
                site_url=f"http://127.0.0.1:{nginx_port}",
            )
            for name in ("a", "b")
        ]
        nginx = Nginx(workdir, [f"127.0.0.1:{host.port}" for host in hosts], port=nginx_port)
        hosts[0].flask("db", "upgrade")
        hosts[0].flask("audit", "keygen")  # the key file every host shares
        slugs, ids = seed(database_url, workdir)

        def start(host: Host) -> Host:
            host.flask("search", "rebuild")  # a new host starts from a rebuild
            return host.serve()

        with ThreadPoolExecutor(len(hosts)) as pool:
            list(pool.map(start, hosts))
        nginx.start()
        yield Stack(nginx, (hosts[0], hosts[1]), database_url, slugs, ids)
    finally:
        for server in (nginx, *hosts):
            if server is not None:
                server.stop()
        stop_postgres()


def until(condition, what: str):
    """Poll `condition` until it returns something true; fail past CEILING seconds."""
    deadline = time.monotonic() + CEILING
    while not (found := condition()):
        assert time.monotonic() < deadline, f"waited {CEILING} s for {what}"
        time.sleep(0.2)
    return found


def test_a_shopper_signs_in_posts_a_review_and_sees_it_through_nginx(stack):
    shopper = Browser(stack.url)
    assert login(shopper, "cliente@example.org").status_code == 302
    slug = stack.slugs["reviewed"]
    url = f"/companies/{slug}/review"
    posted = post_form(shopper, url, form_data(title="Accueil rapide et courtois"))
    assert posted.status_code == 302, posted.text
    shown = shopper.get(posted.headers["Location"], follow_redirects=True).text
    assert "Merci, votre avis est publié." in shown
    # Each page through nginx may come from either host: the session and the review hold.
    for _ in range(4):
        page = shopper.get(f"/companies/{slug}").text
        assert "Accueil rapide et courtois" in page and "Cliente" in page


def half_sent(port: int, n: int) -> socket.socket:
    """A connection that starts a request and never finishes it: headers without their
    end, or a body shorter than announced."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    if n % 2:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Slow: ")
    else:
        sock.sendall(
            b"POST /login HTTP/1.1\r\nHost: localhost\r\nContent-Length: 4096\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\n\r\nemail=lent"
        )
    return sock


def still_waiting(sock: socket.socket) -> bool:
    """Nothing to read and no end of stream: the server holds the connection open."""
    sock.setblocking(False)
    try:
        sock.recv(1)
    except BlockingIOError:
        return True
    return False


def test_idle_half_sent_connections_do_not_stop_healthz(stack):
    idle = [half_sent(stack.nginx.port, n) for n in range(IDLE_CONNECTIONS)]
    try:
        visitor = Browser(stack.url)
        # More answers than the two hosts have workers (2 × 2): none is held by the idle ones.
        for _ in range(8):
            assert visitor.get("/healthz").status_code == 200
        assert visitor.get("/").status_code == 200
        # …while all 50 were still held open by nginx (not answered, not dropped yet).
        assert [n for n, sock in enumerate(idle) if not still_waiting(sock)] == []
    finally:
        for sock in idle:
            sock.close()


def reset_request(browser: Browser, n: int, spoofed: str | None = None):
    headers = {"X-Forwarded-For": spoofed} if spoofed else {}
    data = {"email": f"inconnu{n}@example.org"}
    return post_form(browser, "/reset", data, headers=headers)


def test_the_rate_limit_counts_the_real_client_address_on_every_host(stack):
    """/reset allows 10 requests an hour per address. A client that sends its own
    X-Forwarded-For (another each time) is still itself; another client is not limited by
    the first's requests; nginx spreads the requests over both hosts, which count together."""
    first, second = Browser(stack.url, "127.0.0.1"), Browser(stack.url, "127.0.0.2")
    statuses = [reset_request(first, n, spoofed=f"198.51.100.{n}").status_code for n in range(11)]
    assert statuses == [302] * 10 + [429]
    assert reset_request(second, 99).status_code == 302


def test_an_edit_through_one_host_is_found_by_the_other(stack):
    host_a, host_b = stack.hosts
    admin = Browser(host_a.url)
    assert login(admin, "admin@example.org").status_code == 302
    company_id = stack.ids["renamed"]
    edit = {
        "name": "Gaz Renouvelé Atlantique",
        "legal_name": "Gaz Ancien SA",
        "aliases": "",
        "siren": "",
        "city": "Lyon",
        "region": "Auvergne-Rhône-Alpes",
        "website_domain": "",
        "mediator_name": "",
        "mediator_url": "",
        "sector_id": str(stack.ids["sector"]),
    }
    saved = post_form(admin, f"/admin/companies/{company_id}", edit)
    assert saved.status_code == 303, saved.text
    link = f'href="/companies/{stack.slugs["renamed"]}"'
    polls = iter(range(10**6))

    def found_on(host: Host) -> bool:
        # Each poll from its own loopback address: the search limit (60 a minute per
        # address) is not what this waits for.
        n = next(polls)
        visitor = Browser(host.url, f"127.0.{1 + n // 250}.{1 + n % 250}")
        page = visitor.get("/search?q=Renouvel%C3%A9+Atlantique")
        assert page.status_code == 200, page.status_code
        return link in page.text

    until(lambda: found_on(host_a), "host A's search to find the company it renamed")
    until(lambda: found_on(host_b), "host B's search to find the company renamed through A")


def test_a_page_rendered_by_one_host_is_served_by_the_other_from_redis(stack):
    host_a, host_b = stack.hosts
    slug = stack.slugs["cached"]
    assert "Lumière Ouest" in Browser(host_a.url).get(f"/companies/{slug}").text
    # Changed behind the app's back (no stamp moves): only a kept render still shows the
    # old name, and host B has never rendered this page.
    engine = create_engine(stack.database_url)
    with engine.begin() as conn:
        rename = text("UPDATE companies SET name = 'Nom Jamais Rendu' WHERE slug = :slug")
        conn.execute(rename, {"slug": slug})
    engine.dispose()
    page = Browser(host_b.url).get(f"/companies/{slug}").text
    assert "Lumière Ouest" in page and "Nom Jamais Rendu" not in page


def test_static_files_are_served_by_nginx_fingerprinted_ones_kept_a_year(stack):
    manifest = json.loads((ROOT / "static" / "cache_manifest.json").read_text())
    visitor = Browser(stack.url)
    kept = visitor.get(f"/static/{manifest['css/site.css']}")
    assert kept.status_code == 200 and "text/css" in kept.headers["Content-Type"]
    assert kept.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    # The app adds its CSP to everything it answers: this came from disk, through no worker.
    assert "Content-Security-Policy" not in kept.headers
    plain = visitor.get("/static/css/site.css")
    assert plain.status_code == 200 and plain.headers["Cache-Control"] == "no-cache"
    assert visitor.get("/static/css/absent.css").status_code == 404


def test_a_body_over_the_limit_is_refused_by_nginx_before_any_worker(stack):
    refused = Browser(stack.url).post("/login", {"email": "x" * (4 * 1024 * 1024)})
    assert refused.status_code == 413
    assert "Content-Security-Policy" not in refused.headers  # nginx's answer, not the app's


def test_the_site_configuration_is_valid_for_nginx(tmp_path):
    """deploy/nginx/observatoire.conf as installed (TLS, redirect, upstream of two hosts,
    the snippet), with a throwaway certificate in place of the real one."""
    require(shutil.which("openssl") is not None, "openssl is not installed")
    require(Path(NGINX).exists(), "nginx is not installed (Debian package nginx)")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
        + ["-subj", "/CN=avis.example.fr", "-keyout", tmp_path / "key.pem"]
        + ["-out", tmp_path / "cert.pem"],
        check=True,
        capture_output=True,
    )
    site = (DEPLOY / "nginx" / "observatoire.conf").read_text()
    site = site.replace("/etc/nginx/snippets/", f"{DEPLOY / 'nginx'}/")
    site = site.replace(
        "/etc/letsencrypt/live/avis.example.fr/fullchain.pem", str(tmp_path / "cert.pem")
    )
    site = site.replace(
        "/etc/letsencrypt/live/avis.example.fr/privkey.pem", str(tmp_path / "key.pem")
    )
    (tmp_path / "site.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(
        f"{nginx_user()}\npid {tmp_path}/nginx.pid;\nevents {{}}\n"
        f"http {{ include /etc/nginx/mime.types; include {tmp_path}/site.conf; }}\n"
    )
    check = subprocess.run(
        [NGINX, "-t", "-e", tmp_path / "error.log", "-c", tmp_path / "nginx.conf"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert check.returncode == 0, check.stderr
    assert "test is successful" in check.stderr
