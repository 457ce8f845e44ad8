"""Everything the site holds about an account, as one JSON document (RGPD access and
portability): the account, its reviews with every version, replies received, moderation
decisions, reports, notices and appeals filed, memberships, sessions, sign-ins and mails.

Keyed hashes (of addresses, networks, devices, tokens) and the password hash are left out:
they identify nothing without our secret key and would only help an attacker. A feature that
stores more about a person (follows, notification settings) adds its section here.
"""

import json
from datetime import date, datetime

from sqlalchemy import or_, select

from ..cgu import CGU_VERSION
from ..db import utcnow
from ..models import (
    Appeal,
    IllegalNotice,
    LoginAttempt,
    Membership,
    ModerationDecision,
    OutboundMail,
    Reply,
    ReplyRevision,
    Report,
    Review,
    ReviewRevision,
    User,
    UserSession,
)
from . import throttle

FORMAT_VERSION = 1
SECRET_COLUMNS = {
    "password_hash",
    "token_hash",
    "ip_key",
    "network_key",
    "device_key",
    "account_key",
    "body_fingerprint",
    "session_token",
}


def _value(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def row(obj, *, skip=()) -> dict:
    """A model row as a dict of its columns, dates in ISO 8601, secrets left out."""
    columns = obj.__table__.columns
    return {
        c.key: _value(getattr(obj, c.key))
        for c in columns
        if c.key not in SECRET_COLUMNS and c.key not in skip
    }


def _all(session, stmt) -> list:
    return list(session.scalars(stmt))


def _review(session, review: Review) -> dict:
    revisions = _all(
        session,
        select(ReviewRevision)
        .where(ReviewRevision.review_id == review.id)
        .order_by(ReviewRevision.id),
    )
    decisions = _all(
        session,
        select(ModerationDecision)
        .where(ModerationDecision.review_id == review.id, ModerationDecision.report_id.is_(None))
        .order_by(ModerationDecision.id),
    )
    found = {
        **row(review),
        "company": {"slug": review.company.slug, "name": review.company.name},
        "history": [
            {**row(r, skip=("snapshot",)), "content": json.loads(r.snapshot)} for r in revisions
        ],
        "moderation_decisions": [row(d, skip=("moderator_id",)) for d in decisions],
        "reply_received": None,
    }
    if review.reply is not None:
        earlier = _all(
            session,
            select(ReplyRevision)
            .where(ReplyRevision.reply_id == review.reply.id)
            .order_by(ReplyRevision.id),
        )
        found["reply_received"] = {
            **row(review.reply, skip=("author_id",)),
            "earlier_versions": [row(r) for r in earlier],
        }
    return found


def account_export(session, user: User) -> dict:
    """The whole document; read only."""
    reviews = _all(session, select(Review).where(Review.author_id == user.id).order_by(Review.id))
    account_key = throttle.Keys.of(user.email or "", "").account
    attempts = _all(
        session,
        select(LoginAttempt)
        .where(LoginAttempt.account_key == account_key)
        .order_by(LoginAttempt.id),
    )
    notices = select(IllegalNotice).where(
        or_(IllegalNotice.notifier_id == user.id, IllegalNotice.email == user.email)
    )
    return {
        "format": "observatoire-account-export",
        "format_version": FORMAT_VERSION,
        "generated_at": _value(utcnow()),
        "account": {
            **row(user, skip=("cgu_version", "cgu_accepted_at")),
            "roles": sorted(r.role for r in user.roles),
        },
        "terms_of_use": {
            "accepted_version": user.cgu_version,
            "accepted_at": _value(user.cgu_accepted_at),
            "current_version": CGU_VERSION,
        },
        "reviews": [_review(session, r) for r in reviews],
        "replies_written": [
            row(r) for r in _all(session, select(Reply).where(Reply.author_id == user.id))
        ],
        "reports_filed": [
            row(r) for r in _all(session, select(Report).where(Report.reporter_id == user.id))
        ],
        "illegal_content_notices_filed": [
            row(n, skip=("moderator_id",))
            for n in _all(session, notices.order_by(IllegalNotice.id))
        ],
        "appeals_filed": [
            row(a, skip=("moderator_id", "first_moderator_id"))
            for a in _all(session, select(Appeal).where(Appeal.appellant_id == user.id))
        ],
        "company_memberships": [
            {**row(m, skip=("decided_by_id",)), "company": m.company.slug}
            for m in _all(session, select(Membership).where(Membership.user_id == user.id))
        ],
        "sessions": [
            row(s) for s in _all(session, select(UserSession).where(UserSession.user_id == user.id))
        ],
        "sign_in_attempts": [
            {
                "created_at": _value(a.created_at),
                "succeeded": a.succeeded,
                "from_a_browser_known_to_this_account": a.device_key is not None,
            }
            for a in attempts
        ],
        "mails_sent": [
            row(m, skip=("last_error",))
            for m in _all(session, select(OutboundMail).where(OutboundMail.user_id == user.id))
        ],
    }
