"""Signed, expiring invitation links for colleagues (itsdangerous, a salt of their own).

The token names the company, the inviting representative and a keyed fingerprint of the
invited address (never the address itself: links end up in logs and histories). It is
single use in effect: accepting makes the membership active, and a replay changes nothing.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

from flask import current_app
from itsdangerous import BadData, SignatureExpired, TimestampSigner, URLSafeTimedSerializer

from ..auth import tokens
from .rules import INVITATION_MAX_AGE, normalise_email

SALT = "rating.claims.invitation"


class _Signer(TimestampSigner):
    def get_timestamp(self) -> int:
        # The auth module's clock, so that tests moving time forward move it here too.
        return int(tokens.clock())


class InvitationInvalid(Exception):
    """A forged, truncated or foreign link."""


class InvitationExpired(InvitationInvalid):
    """A genuine link older than INVITATION_MAX_AGE."""


@dataclass(frozen=True)
class Invitation:
    company_id: int
    inviter_id: int
    fingerprint: str
    issued_at: datetime

    def is_for(self, email: str | None) -> bool:
        """The invited address is exactly `email` (case and blanks aside)."""
        return bool(email) and tokens.fingerprint(normalise_email(email)) == self.fingerprint


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT, signer=_Signer)


def make_invitation(company_id: int, inviter_id: int, email: str) -> str:
    """A token inviting `email` to represent the company."""
    fingerprint = tokens.fingerprint(normalise_email(email))
    return _serializer().dumps({"c": company_id, "i": inviter_id, "f": fingerprint})


def read_invitation(token: str) -> Invitation:
    """The invitation of a valid token; InvitationExpired or InvitationInvalid otherwise."""
    try:
        data, signed_at = _serializer().loads(
            token, max_age=INVITATION_MAX_AGE, return_timestamp=True
        )
    except SignatureExpired as exc:
        raise InvitationExpired from exc
    except BadData as exc:
        raise InvitationInvalid from exc
    if not isinstance(data, dict) or not all(isinstance(data.get(k), int) for k in ("c", "i")):
        raise InvitationInvalid
    if signed_at.tzinfo is None:
        signed_at = signed_at.replace(tzinfo=UTC)
    return Invitation(data["c"], data["i"], str(data.get("f")), signed_at)
