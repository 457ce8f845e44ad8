"""Signed, expiring links (itsdangerous): one salt per purpose, no e-mail or hash in clear."""

import time

from flask import current_app
from itsdangerous import BadData, TimestampSigner, URLSafeTimedSerializer

from ..security import keyed_hash

# "email": the link that confirms a new address, mailed to that address (rating.auth.identity).
PURPOSES = {
    "verify": "VERIFY_TOKEN_MAX_AGE",
    "reset": "RESET_TOKEN_MAX_AGE",
    "email": "VERIFY_TOKEN_MAX_AGE",
}


def clock() -> float:
    """Current time for signing and checking; tests replace it to move time forward."""
    return time.time()


class _Signer(TimestampSigner):
    def get_timestamp(self) -> int:
        return int(clock())


class TokenInvalid(Exception):
    """A link that is forged, expired, already used or meant for something else."""


def fingerprint(value: str | None) -> str:
    """A short digest binding a token to a value (address, password hash) without revealing it."""
    return keyed_hash(f"token-binding:{value}")[:16]


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(
        current_app.config["SECRET_KEY"], salt=f"rating.auth.{purpose}", signer=_Signer
    )


def make_token(purpose: str, user_id: int, bound_to: str | None) -> str:
    """A token for `purpose` naming the user and the fingerprint of `bound_to`."""
    return _serializer(purpose).dumps({"u": user_id, "f": fingerprint(bound_to)})


def read_token(purpose: str, token: str) -> tuple[int, str]:
    """(user id, fingerprint) of a valid token, or TokenInvalid; max age from the config."""
    max_age = current_app.config[PURPOSES[purpose]]
    try:
        data = _serializer(purpose).loads(token, max_age=max_age)
    except BadData as exc:
        raise TokenInvalid from exc
    if not isinstance(data, dict) or not isinstance(data.get("u"), int):
        raise TokenInvalid
    return data["u"], str(data.get("f"))
