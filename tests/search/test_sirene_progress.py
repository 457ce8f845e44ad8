"""A SIRENE import is indexed in the background: the admin page shows "indexation : X sur Y"
for this host's index, and a small import is searchable once the tailer has passed it."""

import threading

from bench.sirene_rows import luhn_complete, unit, write_stock
from rating.search import drain_outbox, lag, search_companies
from tests.factories import World
from tests.helpers import login
from tests.search.test_replicas import until

UNITS = [
    unit(luhn_complete("55208131"), denominationUniteLegale="BANQUE ORNITHORYNQUE"),
    unit(luhn_complete("54210765"), denominationUniteLegale="ASSURANCES ORNITHORYNQUE"),
    unit(luhn_complete("38012986"), denominationUniteLegale="TÉLÉCOMS ORNITHORYNQUE"),
]


def admin_page(app) -> str:
    client = app.test_client()
    assert login(client, "admin@example.org").status_code == 302
    return client.get("/admin/companies").get_data(as_text=True)


class Tailer(threading.Thread):
    """Stands in for this host's worker: applies the search log until told to stop."""

    def __init__(self, app):
        super().__init__(daemon=True)
        self.app, self.stopped = app, threading.Event()

    def run(self) -> None:
        while not self.stopped.is_set():
            drain_outbox(self.app)
            self.stopped.wait(0.05)


def test_a_small_import_is_searchable_once_the_tailer_has_passed_it(app, runner, tmp_path):
    db = app.extensions["rating.db.write"]()
    World(db).user(email="admin@example.org", pseudonym="Admine", roles=("admin",))
    db.commit()
    db.close()
    result = runner.invoke(
        args=["companies", "import-sirene", str(write_stock(tmp_path / "s.csv", UNITS))]
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        imported = lag(app).head  # the import's last change
        assert search_companies("ornithorynque").ids == []  # not yet indexed
    assert "indexation : 0 sur 3" in admin_page(app)
    tailer = Tailer(app)
    tailer.start()
    try:
        with app.app_context():
            until(lambda: lag(app).cursor >= imported, "the tailer passes the import")
            assert len(search_companies("ornithorynque").ids) == 3
    finally:
        tailer.stopped.set()
        tailer.join()
    assert "indexation : 3 sur 3" in admin_page(app)
