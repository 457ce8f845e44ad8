"""Administrators find accounts, grant and revoke staff roles, lock and unlock, with a reason.

Nobody changes their own roles or locks their own account: another administrator must.
"""

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session

from ..db import utcnow
from ..models import User, UserRole, UserSession
from ..models.user import STAFF_ROLES
from ..msgids import N_
from . import log
from .errors import AdminRejected

SELF = N_(
    "Vous ne pouvez pas modifier vos propres rôles ni bloquer votre compte : "
    "demandez-le à un autre administrateur."
)
UNKNOWN_ROLE = N_("Choisissez un rôle de la liste.")


class UserRejected(AdminRejected):
    """(field, French msgid) pairs."""


def search_query(q: str):
    """Accounts whose e-mail or pseudonym contains `q`, A–Z by pseudonym."""
    stmt = select(User).order_by(User.pseudonym, User.id)
    q = q.strip().lower()
    if q:
        like = f"%{q}%"
        stmt = stmt.where(
            or_(func.lower(User.email).like(like), func.lower(User.pseudonym).like(like))
        )
    return stmt


def _not_self(admin: User, user: User) -> None:
    if admin.id == user.id:
        raise UserRejected([("", SELF)])


def set_role(
    session: Session, admin: User, user: User, role: str, grant: bool, reason: str
) -> bool:
    """Grant or revoke one staff role; False when the user already was in that state."""
    _not_self(admin, user)
    if role not in STAFF_ROLES:
        raise UserRejected([("role", UNKNOWN_ROLE)])
    before = sorted(r.role for r in user.roles)
    if user.has_role(role) == grant:
        return False
    if grant:
        user.roles.append(UserRole(role=role, granted_by_id=admin.id))
    else:
        user.roles = [r for r in user.roles if r.role != role]
        # A staff session may not outlive the role it was opened with.
        session.execute(delete(UserSession).where(UserSession.user_id == user.id))
    session.flush()
    after = sorted(r.role for r in user.roles)
    action = "role_granted" if grant else "role_revoked"
    log.record(
        session,
        admin,
        action,
        user,
        before={"roles": before},
        after={"roles": after},
        reason=reason,
        label=user.pseudonym,
    )
    session.commit()
    return True


def set_locked(session: Session, admin: User, user: User, locked: bool, reason: str) -> bool:
    """Lock (every session ends, sign-in refused) or unlock an account."""
    _not_self(admin, user)
    if (user.locked_at is not None) == locked:
        return False
    before = {"locked_at": user.locked_at}
    user.locked_at = utcnow() if locked else None
    user.locked_reason = reason if locked else None
    if locked:
        session.execute(delete(UserSession).where(UserSession.user_id == user.id))
    action = "user_locked" if locked else "user_unlocked"
    log.record(
        session,
        admin,
        action,
        user,
        before=before,
        after={"locked_at": user.locked_at},
        reason=reason,
        label=user.pseudonym,
    )
    session.commit()
    return True
