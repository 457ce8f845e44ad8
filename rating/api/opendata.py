"""Open data under /api/v1: reviews.csv (a generated static file) and the Table Schema
descriptor of every CSV the API publishes."""

import os
from datetime import UTC, datetime

from flask import abort, current_app, jsonify, request

from rating.opendata import descriptors, export
from rating.security import site_url_for

from .views import bp

REVIEWS_MAX_AGE = 3600  # regenerated daily: an hour in caches, revalidated by ETag
CHUNK = 64 * 1024


def described_by(response, name: str):
    """Point a CSV at its descriptor (RFC 8288 `describedby`)."""
    url = site_url_for("api.schema", name=name)
    response.headers["Link"] = f'<{url}>; rel="describedby"; type="application/json"'
    return response


class FileChunks:
    """A file sent in chunks and closed once read to its end, or when the server closes the
    response (a client gone midway): never left open."""

    def __init__(self, handle):
        self.handle = handle

    def __iter__(self):
        with self.handle:
            while chunk := self.handle.read(CHUNK):
                yield chunk

    def close(self) -> None:
        self.handle.close()


@bp.route("/reviews.csv")
def reviews_csv():
    """Every published review of the 36-month window, as last generated (Last-Modified)."""
    app = current_app._get_current_object()
    # Before the first daily job (a new installation or host), the first reader generates
    # the file: small then, streamed anyway, and one run for all (see README, open data).
    export.ensure_generated(app)
    folder = export.directory(app.config, app.instance_path)
    # Headers and body from one open file: a new file renamed over it meanwhile changes
    # neither (the daily export replaces the file atomically, never deletes it).
    handle = (folder / f"{export.REVIEWS}.csv").open("rb")
    stat = os.fstat(handle.fileno())
    response = current_app.response_class(
        FileChunks(handle), mimetype="text/csv", direct_passthrough=True
    )
    response.content_length = stat.st_size
    response.last_modified = datetime.fromtimestamp(int(stat.st_mtime), UTC)
    response.set_etag(f"{stat.st_mtime_ns:x}-{stat.st_size:x}")
    response.cache_control.public = True
    response.cache_control.max_age = REVIEWS_MAX_AGE
    response.headers["Content-Disposition"] = 'attachment; filename="avis.csv"'
    response.make_conditional(request)
    if request.method == "HEAD" or response.status_code == 304:
        handle.close()  # no body to send
    return described_by(response, export.REVIEWS)


@bp.route("/schemas/<name>.json")
def schema(name: str):
    """The Table Schema descriptor of the CSV `name` (reviews, grades, tests)."""
    if name not in descriptors.NAMES:
        abort(404)
    response = jsonify(descriptors.descriptor(name))
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response
