"""Open data under /api/v1: reviews.csv (a generated static file) and the Table Schema
descriptor of every CSV the API publishes."""

from flask import abort, current_app, jsonify, send_file

from rating.msgids import N_
from rating.opendata import descriptors, export
from rating.security import limiter, site_url_for

from .views import bp

API_LIMIT = "120/minute"
REVIEWS_MAX_AGE = 3600  # regenerated daily: an hour in caches, revalidated by ETag
NOT_YET = N_(
    "Le fichier des avis n'a pas encore été généré : il l'est chaque jour "
    "(flask opendata export). Réessayez plus tard."
)


def described_by(response, name: str):
    """Point a CSV at its descriptor (RFC 8288 `describedby`)."""
    url = site_url_for("api.schema", name=name)
    response.headers["Link"] = f'<{url}>; rel="describedby"; type="application/json"'
    return response


@bp.route("/reviews.csv")
@limiter.limit(API_LIMIT)
def reviews_csv():
    """Every published review of the 36-month window, as last generated (Last-Modified)."""
    folder = export.directory(current_app.config, current_app.instance_path)
    found = export.generated(folder, export.REVIEWS)
    if found is None:
        # Not generated on the request: a large export would outlive a worker's timeout.
        body = {"error": {"status": 503, "message": NOT_YET}}
        return body, 503, {"Retry-After": "3600"}
    response = send_file(
        found.path,
        mimetype="text/csv",
        as_attachment=True,
        download_name="avis.csv",
        conditional=True,
        etag=True,
        last_modified=found.generated_at,
        max_age=REVIEWS_MAX_AGE,
    )
    return described_by(response, export.REVIEWS)


@bp.route("/schemas/<name>.json")
@limiter.limit(API_LIMIT)
def schema(name: str):
    """The Table Schema descriptor of the CSV `name` (reviews, grades, tests)."""
    if name not in descriptors.NAMES:
        abort(404)
    response = jsonify(descriptors.descriptor(name))
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response
