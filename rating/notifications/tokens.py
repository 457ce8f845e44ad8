"""The signed one-click unsubscribe link: who, which kind of mail, which company (if any).

The token is the proof (RFC 8058: a mail client POSTs to the link without any session), so
it is signed with SECRET_KEY and names exactly what it turns off. It does not expire: an
old mail's link must still work.
"""

from dataclasses import dataclass

from flask import current_app
from itsdangerous import BadData, URLSafeSerializer

from rating.models.notification import COMPANY_REVIEW, OPTIONAL_KINDS

KINDS = (COMPANY_REVIEW, *OPTIONAL_KINDS)


@dataclass(frozen=True)
class Scope:
    """What one link turns off: a kind of mail for a user, for one company or all."""

    user_id: int
    kind: str
    company_id: int | None = None


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="rating.notifications.stop")


def make(scope: Scope) -> str:
    return _serializer().dumps([scope.user_id, scope.kind, scope.company_id])


def read(token: str) -> Scope | None:
    """The scope a token names; None when it is forged, malformed or of an unknown kind."""
    try:
        value = _serializer().loads(token)
    except BadData:
        return None
    if not (isinstance(value, list) and len(value) == 3):
        return None
    user_id, kind, company_id = value
    ints = all(isinstance(v, int) and not isinstance(v, bool) for v in (user_id, company_id or 0))
    if not ints or kind not in KINDS:
        return None
    return Scope(user_id, kind, company_id)
