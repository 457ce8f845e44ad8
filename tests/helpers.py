"""Helpers shared by view tests: sign in through the real login form (CSRF included); for
tests over real HTTP, connections from a chosen loopback address that keep 3xx answers."""

import functools
import http.client
import urllib.request

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


class FromAddress(urllib.request.HTTPHandler):
    """Connections from a loopback address of our choice (127.x.y.z are all local)."""

    def __init__(self, address: str):
        super().__init__()
        self.address = address

    def http_open(self, req):
        connect = functools.partial(http.client.HTTPConnection, source_address=(self.address, 0))
        return self.do_open(connect, req)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    """A 3xx is the answer (as with the Flask test client), not a link to follow."""

    def redirect_request(self, *args, **kwargs):
        return None
