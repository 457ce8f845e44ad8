"""Static files as a production deployment serves them: fingerprinted names, cached a year.

`make install` runs `flask digest compile` (Flask-Static-Digest): every file of static/ gets
a copy named after its MD5 (`css/site-<md5>.css`) and static/cache_manifest.json maps the
names. Templates link with `static_url_for('static', filename=…)`, which picks the
fingerprinted name when the manifest lists one, so a browser may keep such a file for a
year (`immutable`): a changed file gets a new name. Without a manifest (a checkout that was
never compiled) the plain names are linked and revalidated as Flask does by default.
"""

from flask import request
from flask_static_digest import FlaskStaticDigest

digest = FlaskStaticDigest()
YEAR = 365 * 24 * 60 * 60


def init_app(app) -> None:
    # No .gz/.br copies: gunicorn serves the files itself (a proxy would compress).
    app.config.setdefault("FLASK_STATIC_DIGEST_COMPRESSION", [])
    digest.init_app(app)
    fingerprinted = frozenset(digest.manifests.get("static", {}).values())

    @app.after_request
    def cache_fingerprinted(response):
        if request.endpoint == "static" and response.status_code in (200, 304):
            if (request.view_args or {}).get("filename") in fingerprinted:
                response.headers["Cache-Control"] = f"public, max-age={YEAR}, immutable"
        return response
