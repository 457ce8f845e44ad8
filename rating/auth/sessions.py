"""Server-side sessions: the cookie carries a random token, the row decides (a copied
cookie must not outlive logout).

Flask-Login stores `User.get_id()`, which is this token, in its session and remember
cookies. Deleting the row (logout, password change or reset, account deletion) ends
the session even for a copied cookie, which a signed client-side cookie cannot do.
"""

import hashlib
import secrets
from datetime import datetime, timedelta

from flask import current_app, has_request_context, request
from flask_login import LoginManager
from sqlalchemy import bindparam, delete, select, text
from sqlalchemy.orm import joinedload

from ..db import UTCDateTime, get_session, read_rows, utcnow
from ..models import User, UserSession
from .viewer import Viewer

login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "Connectez-vous pour accéder à cette page."
login_manager.login_message_category = "info"
login_manager.needs_refresh_message = "Confirmez votre identité pour continuer."


def init_app(app) -> None:
    """Bind Flask-Login with our defaults (each one can be overridden in the config)."""
    # "strong": when the IP address or browser of a session changes, Flask-Login drops the
    # session and the remember cookie, so a stolen cookie is useless elsewhere. The price is
    # a new sign-in after a network change (mobile users); set SESSION_PROTECTION = "basic"
    # to trade that protection for comfort. Behind a proxy, remote_addr must be the client's.
    login_manager.session_protection = app.config.setdefault("SESSION_PROTECTION", "strong")
    app.config.setdefault("REMEMBER_COOKIE_DURATION", timedelta(days=30))
    login_manager.init_app(app)


def hash_token(token: str) -> str:
    """What the database keeps: a leaked table gives no usable cookie."""
    return hashlib.sha256(token.encode()).hexdigest()


def may_remember(user: User) -> bool:
    """Remember-me (a 30-day cookie that works from any browser) is for shoppers only: staff
    and representatives sign in for each browser session, so that a copied cookie never
    opens a dashboard, its export, moderation or audits for a month."""
    return not user.roles and not user.represented_company_ids()


@login_manager.user_loader
def load_user(token: str) -> User | None:
    """The user of a live session row, or None (anonymous) when ended, expired or deleted.

    One statement, built once: the user's roles and memberships come with it (the header's
    menu and most signed-in pages read them): 1.2 ms of CPU per request on SQLite where
    three loads (user, roles, then memberships) took 2.3."""
    if not token or len(token) > 100:
        return None
    token_hash = hash_token(token)
    if request.method in ("GET", "HEAD") and request.endpoint in VIEWER_ENDPOINTS:
        viewer = load_viewer(token, token_hash)
        if viewer is not False:
            return viewer
    found = get_session().execute(_LIVE_SESSION, {"token_hash": token_hash, "now": utcnow()})
    row = found.unique().one_or_none()
    if row is None:
        return None
    user, created_at, expires_at = row
    if _long(created_at, expires_at) and not may_remember(user):
        # A shopper who became staff or a representative since: the long session ends.
        end_session(get_session(), token)
        get_session().commit()
        return None
    user.session_token = token
    return user


# Built once (a statement per request would be rebuilt and its cache key recomputed).
_LIVE_SESSION = (
    select(User, UserSession.created_at, UserSession.expires_at)
    .join(UserSession, UserSession.user_id == User.id)
    .options(joinedload(User.roles), joinedload(User.memberships))
    .where(UserSession.token_hash == bindparam("token_hash"))
    .where(UserSession.expires_at > bindparam("now"), User.deleted_at.is_(None))
    .where(User.locked_at.is_(None))
)


# The pages signed-in visitors read most, whose views and slots only read the viewer's id,
# pseudonym, verified address, roles and memberships (anything else they asked for would
# load the full user, see rating.auth.viewer): the cached company page, home and search, the
# dashboard and "Mes avis".
VIEWER_ENDPOINTS = frozenset(
    {
        "companies.detail",
        "main.index",
        "search.results",
        "reviews.mine",
        "dashboard.index",
        "dashboard.company",
    }
)

# One statement, straight on the driver (rating.db.read_rows): the session's user, then its
# roles, then its memberships, one row each, told apart by the first column.
_VIEWER = text(
    "SELECT 'u', u.id, u.pseudonym, u.email_verified_at, s.created_at, s.expires_at "
    "FROM user_sessions s JOIN users u ON u.id = s.user_id "
    "WHERE s.token_hash = :token_hash AND s.expires_at > :now "
    "AND u.deleted_at IS NULL AND u.locked_at IS NULL "
    "UNION ALL SELECT 'r', NULL, r.role, NULL, NULL, NULL "
    "FROM user_sessions s JOIN user_roles r ON r.user_id = s.user_id "
    "WHERE s.token_hash = :token_hash "
    "UNION ALL SELECT 'm', m.company_id, m.status, NULL, NULL, NULL "
    "FROM user_sessions s JOIN memberships m ON m.user_id = s.user_id "
    "WHERE s.token_hash = :token_hash"
).bindparams(bindparam("now", type_=UTCDateTime()))


def load_viewer(token: str, token_hash: str) -> Viewer | None | bool:
    """The visitor of a live session as a Viewer (0.1 ms where the ORM user takes 1.2), None
    when the session is ended, expired, or its user deleted or locked; False when the full
    loader must decide (a long session that may have to end, see load_user)."""
    rows = read_rows(_VIEWER, {"token_hash": token_hash, "now": utcnow()})
    user = next((row for row in rows if row[0] == "u"), None)
    if user is None:
        return None
    roles = frozenset(row[2] for row in rows if row[0] == "r")
    memberships = tuple((row[1], row[2]) for row in rows if row[0] == "m")
    viewer = Viewer(
        id=user[1],
        pseudonym=user[2],
        is_verified=user[3] is not None,
        role_names=roles,
        membership_rows=memberships,
        session_token=token,
    )
    if _long(user[4], user[5]) and not may_remember(viewer):
        return False
    return viewer


def _long(created_at, expires_at) -> bool:
    """Whether a session outlives a browser session (a remember-me one); the driver gives
    SQLite's dates as text."""
    created, expires = (
        value if isinstance(value, datetime) else datetime.fromisoformat(value)
        for value in (created_at, expires_at)
    )
    return expires - created > session_lifetime(remember=False)


def session_lifetime(remember: bool) -> timedelta:
    """How long the server keeps a session: the remember cookie's life, else the session's."""
    if remember:
        duration = current_app.config["REMEMBER_COOKIE_DURATION"]
        return duration if isinstance(duration, timedelta) else timedelta(seconds=duration)
    return current_app.permanent_session_lifetime


def start_session(session, user: User, *, remember: bool, now: datetime | None = None) -> str:
    """Add a session row for `user` and return its raw token (only the hash is stored)."""
    now = now or utcnow()
    token = secrets.token_urlsafe(32)
    agent = request.headers.get("User-Agent", "")[:200] if has_request_context() else None
    session.add(
        UserSession(
            token_hash=hash_token(token),
            user_id=user.id,
            created_at=now,
            expires_at=now + session_lifetime(remember),
            user_agent=agent,
        )
    )
    user.session_token = token
    return token


def end_session(session, token: str | None) -> None:
    """Delete the row of one session (logout)."""
    if token:
        session.execute(delete(UserSession).where(UserSession.token_hash == hash_token(token)))


def revoke_sessions(session, user_id: int, *, keep_token: str | None = None) -> None:
    """Delete every session of a user, except the one holding `keep_token` if given."""
    stmt = delete(UserSession).where(UserSession.user_id == user_id)
    if keep_token:
        stmt = stmt.where(UserSession.token_hash != hash_token(keep_token))
    session.execute(stmt)


def prune_expired_sessions(session, now: datetime | None = None) -> int:
    """Delete expired rows; return how many."""
    result = session.execute(delete(UserSession).where(UserSession.expires_at <= (now or utcnow())))
    return result.rowcount or 0
