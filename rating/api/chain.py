"""The publication chain as a stranger checks it: each publication with every hashed field
and its draw, the exact hashed bytes of its grades and tests, the signed head, the keys."""

from flask import Response, abort

from rating.audit import disclosure
from rating.db import get_session
from rating.models import Publication
from rating.security import site_url_for

from .grades import MAX_ID
from .views import bp

PUBLICATION = f"/publications/<int(max={MAX_ID}):publication_id>"


def _publication(publication_id: int) -> Publication:
    return get_session().get(Publication, publication_id) or abort(404)


@bp.route(PUBLICATION)
def publication(publication_id: int):
    """Every field that enters the chain hash, the methodology, the draw and the signature."""
    item = _publication(publication_id)
    links = {
        name: site_url_for(endpoint, publication_id=item.id)
        for name, endpoint in (
            ("grades_json", "api.publication_grades_json"),
            ("tests_json", "api.publication_tests_json"),
            ("tests_csv", "api.publication_tests_csv"),
        )
    }
    return disclosure.publication_detail(get_session(), item) | links


def _exact(text: str) -> Response:
    """The stored canonical JSON, byte for byte (its SHA-256 is the published digest)."""
    return Response(text.encode("utf-8"), mimetype="application/json")


@bp.route(PUBLICATION + "/grades.json")
def publication_grades_json(publication_id: int):
    """The exact bytes hashed into grades_sha256."""
    return _exact(_publication(publication_id).grades_json)


@bp.route(PUBLICATION + "/tests.json")
def publication_tests_json(publication_id: int):
    """The exact bytes hashed into tests_sha256."""
    return _exact(_publication(publication_id).tests_json)


@bp.route("/publications/head")
def publication_head():
    """The newest publication's sequence, chain hash and signature: keep it elsewhere."""
    return disclosure.head(get_session()) or abort(404)


@bp.route("/publications/public-key")
def publication_public_key():
    """The Ed25519 public keys, each with the sequences it signs."""
    return disclosure.public_keys()
