"""Static files as a production deployment serves them (rating.static): pages link the
fingerprinted copies `make install` compiles, which browsers may keep for a year."""

import json
import re

from rating import ROOT
from tests.conftest import require

MANIFEST = ROOT / "static" / "cache_manifest.json"


def test_pages_link_fingerprinted_files_cached_for_a_year(client):
    require(
        MANIFEST.exists(), "static/cache_manifest.json: run `make install` (flask digest compile)"
    )
    manifest = json.loads(MANIFEST.read_text())
    page = client.get("/").text
    for name in ("css/site.css", "js/autocomplete.js", "img/favicon.svg"):
        fingerprinted = manifest[name]
        assert re.fullmatch(r".+-[0-9a-f]{32}\.\w+", fingerprinted)
        assert f"/static/{fingerprinted}" in page and f"/static/{name}" not in page
        with client.get(f"/static/{fingerprinted}") as served:
            assert served.status_code == 200
            assert served.headers["Cache-Control"] == "public, max-age=31536000, immutable"
            assert served.data == (ROOT / "static" / name).read_bytes()
    # Icons, used from every page by <use href>, are fingerprinted too.
    assert f"/static/{manifest['img/icons.svg']}#" in page


def test_plain_names_still_served_but_revalidated(client):
    with client.get("/static/css/site.css") as plain:
        assert plain.status_code == 200
        assert "immutable" not in plain.headers.get("Cache-Control", "")
    assert client.get("/static/css/absent.css").status_code == 404


def test_templates_are_compiled_once_and_reused(app, client):
    """As in production (no debug): Jinja keeps each compiled template, never re-reads it."""
    assert app.jinja_env.auto_reload is False
    client.get("/")
    compiled = app.jinja_env.get_template("base.html")
    client.get("/companies")
    assert app.jinja_env.get_template("base.html") is compiled
