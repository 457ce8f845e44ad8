"""Two hosts for real: two copies of the code, each its own `instance/` (index, outbox,
SEARCH_INDEX_NAME), served by its own gunicorn on 127.0.0.1, on one database.

An edit through host A is found by name through host B once B's cursor has passed it; B is
stopped while A changes 200 companies, started again, converges, and `search verify` passes
on both. Every wait is for an event (polled, generous ceiling), never a fixed time. Marked
`processes` (it starts servers): CI runs it in the SQLite pass; with
DATABASE_URL=postgresql+psycopg://… and `-m processes` it runs on PostgreSQL too. The same
story runs in-process on both databases in test_replicas.py.
"""

import re

import pytest
from sqlalchemy import create_engine, func, select

from bench.replicas import Browser, Host
from rating import create_app
from rating.models import SearchChange
from tests.conftest import TEST_SECRET
from tests.factories import PASSWORD, World
from tests.search.test_replicas import until

pytestmark = pytest.mark.processes

ADMIN = "admin@example.org"
FIELDS = {
    "legal_name": "Opérateur SA", "aliases": "", "siren": "", "city": "Nantes",
    "region": "Pays de la Loire", "website_domain": "", "mediator_name": "", "mediator_url": "",
}  # fmt: skip


@pytest.fixture
def hosts(tmp_path, database_url):
    """Hosts A and B, each rebuilt from the database (what a new host does), then served."""
    seed = create_app(
        {"SECRET_KEY": TEST_SECRET, "DATABASE_URL": database_url, "SEARCH_INDEX_DIR": None}
    )
    db = seed.extensions["rating.db.write"]()
    world = World(db)
    world.user(email=ADMIN, pseudonym="Admine", roles=("admin",), password=PASSWORD)
    sector = world.sector(slug="telecoms", name="Télécoms")
    ids = {}
    for i in range(200):
        ids[f"operateur-{i}"] = world.company(
            sector, slug=f"operateur-{i}", name=f"Opérateur {i}", city="Nantes",
            region="Pays de la Loire",
        ).id  # fmt: skip
    world.commit()
    sector_id = sector.id
    db.close()
    seed.extensions["rating.engine"].dispose()
    pair = {name: Host(tmp_path, name, database_url, TEST_SECRET) for name in ("a", "b")}
    for host in pair.values():
        result = host.flask("search", "rebuild")
        assert result.exit_code == 0, result.output
        host.start()
    yield pair, ids, sector_id, database_url
    for host in pair.values():
        host.close()


def test_two_hosts_converge_through_the_log(hosts):
    pair, ids, sector_id, database_url = hosts
    a, b = pair["a"], pair["b"]
    admin = Browser(a.url)
    assert admin.post_form("/login", {"email": ADMIN, "password": PASSWORD}) == 302
    status = admin.post_form(
        f"/admin/companies/{ids['operateur-7']}",
        {**FIELDS, "name": "Opérateur Quetzalcoatl", "sector_id": str(sector_id)},
    )
    assert status == 303
    assert "operateur-7" in a.found("quetzalcoatl")  # A applied its own change
    until(lambda: "operateur-7" in b.found("quetzalcoatl"), "B finds the edit made through A")

    b.stop()
    # 200 companies change through A while B is down (their sector is renamed), and one more
    # company is edited, which B's `search verify` would report as stale until B catches up.
    status = admin.post_form(f"/admin/sectors/{sector_id}", {"name": "Téléphonie Quokka"})
    assert status == 303
    status = admin.post_form(
        f"/admin/companies/{ids['operateur-8']}",
        {**FIELDS, "name": "Opérateur Ornithorynque", "sector_id": str(sector_id)},
    )
    assert status == 303
    assert "200 entreprises trouvées" in a.found("quokka")
    lagging = b.flask("search", "status").output
    assert re.search(r"retard : 20\d modification", lagging), lagging
    assert b.flask("search", "verify").exit_code == 1

    b.start()  # no worker: B's first searches apply what it missed
    until(lambda: "200 entreprises trouvées" in b.found("quokka"), "B catches up")
    assert "operateur-8" in b.found("ornithorynque")
    for host in (a, b):
        result = host.flask("search", "verify")
        assert result.exit_code == 0, result.output
    # The index already shows every change (verify passed: a later change of a company can be
    # read with an earlier one); the cursor passes the last one at B's next catch-up.
    until(
        lambda: (
            "operateur-8" in b.found("ornithorynque")
            and "retard : 0 modification" in b.flask("search", "status").output
        ),
        "B's cursor reaches the head of the log",
    )
    # Both indexes have passed every change: pruning may now delete them all.
    assert a.flask("search", "prune").exit_code == 0
    engine = create_engine(database_url)
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(SearchChange)) == 0
    engine.dispose()
