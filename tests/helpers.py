"""Helpers shared by view tests: sign in through the real login form (CSRF included)."""

from tests.conftest import csrf_token
from tests.factories import PASSWORD


def login(client, email: str, password: str = PASSWORD, follow: bool = False):
    """Sign in as a browser would: GET /login for the token, then POST the form."""
    token = csrf_token(client, "/login")
    return client.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": token},
        follow_redirects=follow,
    )


def post_form(client, url: str, data: dict, *, form_url: str | None = None, **kwargs):
    """POST `data` to `url` with the CSRF token read from `form_url` (default: `url`)."""
    token = csrf_token(client, form_url or url)
    return client.post(url, data={**data, "csrf_token": token}, **kwargs)
