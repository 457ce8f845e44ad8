"""Absolute links of the DSA mails, from SITE_URL (never the request's Host header)."""

from flask import current_app
from itsdangerous import BadData, URLSafeSerializer

from rating.security import site_url_for


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="rating.dsa.notice-appeal")


def notice_token(notice_id: int) -> str:
    """The notifier's key to contest the decision on their notice (sent by mail only)."""
    return _serializer().dumps(notice_id)


def notice_id_of(token: str) -> int | None:
    """The notice a token names; None when it is forged or malformed."""
    try:
        value = _serializer().loads(token)
    except BadData:
        return None
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def absolute(endpoint: str, **values) -> str:
    return site_url_for(endpoint, **values)
