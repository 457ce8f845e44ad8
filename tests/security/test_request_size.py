"""Requests larger than the largest form (the audit CSV import) are refused before they are
read: 413, in French, with the security headers."""

from rating.audit.forms import MAX_CSV_BYTES
from rating.config import Config
from tests.security.test_headers_cookies import check_headers


def test_an_oversized_post_is_refused_with_a_french_413(app):
    client = app.test_client()
    big = b"x" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    for url in ("/login", "/register", "/audit/campaigns/1/import"):
        answer = client.post(url, data=big, content_type="application/octet-stream")
        assert answer.status_code == 413, url
        assert "Le fichier envoyé est trop volumineux" in answer.text, url
        check_headers(answer, https=False)
    api = client.post("/api/v1/companies", data=big, content_type="application/json")
    assert api.status_code in (405, 413)  # the API takes no body at all


def test_the_limit_leaves_room_for_the_largest_form():
    # The CSV itself, plus the multipart envelope and the CSRF token.
    assert MAX_CSV_BYTES + 64 * 1024 <= Config.MAX_CONTENT_LENGTH <= 4 * 1024 * 1024
