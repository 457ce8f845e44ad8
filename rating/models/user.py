"""Accounts: users, staff roles, server-side sessions and login attempts."""

from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import Base, UTCDateTime, utcnow
from .checks import one_of

STAFF_ROLES = ("auditor", "moderator", "admin")
# argon2id with argon2-cffi's defaults (m=64 MiB, t=3, p=4), about 130 ms a hash.
_hasher = PasswordHasher()


class User(UserMixin, Base):
    """A person with an account; shopper by default, staff through roles."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    pseudonym: Mapped[str] = mapped_column(String(40), unique=True)
    # NULL once the account is deleted (the reviews stay, pseudonymised).
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    email_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    password_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    locale: Mapped[str | None] = mapped_column(String(5))
    # A hard bounce (5.x.x) came back for the address: no notification is sent to it until
    # the address is confirmed again (rating.notifications.bounces).
    mail_bounced_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The terms of use (rating.legal.terms.CGU_VERSION) the person accepted, and when.
    cgu_version: Mapped[str | None] = mapped_column(String(20))
    cgu_accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # A new address waiting for the click on the link mailed to it (rating.auth.identity).
    pending_email: Mapped[str | None] = mapped_column(String(254))
    # Locked by an administrator (with a reason): cannot sign in, sessions ended.
    locked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    locked_reason: Mapped[str | None] = mapped_column(Text)

    roles: Mapped[list["UserRole"]] = relationship(
        back_populates="user",
        cascade="all, delete-orphan",
        lazy="selectin",
        foreign_keys="UserRole.user_id",
    )
    memberships: Mapped[list["Membership"]] = relationship(  # noqa: F821
        back_populates="user", foreign_keys="Membership.user_id"
    )

    # Flask-Login stores the id of the *server-side session*, not of the user,
    # so that logout really ends it; see auth.sessions.
    session_token = None

    def get_id(self) -> str | None:
        return self.session_token

    def set_password(self, password: str) -> None:
        """Hash with argon2id and remember when it changed."""
        self.password_hash = _hasher.hash(password)
        self.password_changed_at = utcnow()

    def check_password(self, password: str) -> bool:
        """True when `password` matches; never raises on a bad or missing hash."""
        if not self.password_hash:
            return False
        try:
            return _hasher.verify(self.password_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    def password_needs_rehash(self) -> bool:
        return bool(self.password_hash) and _hasher.check_needs_rehash(self.password_hash)

    @property
    def is_verified(self) -> bool:
        return self.email_verified_at is not None

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def display_name(self) -> str:
        return "compte supprimé" if self.is_deleted else self.pseudonym

    def has_role(self, role: str) -> bool:
        return any(r.role == role for r in self.roles)

    def represented_company_ids(self) -> set[int]:
        return {m.company_id for m in self.memberships if m.status == "active"}


class UserRole(Base):
    """A staff role held by a user (shopper and representative need none)."""

    __tablename__ = "user_roles"
    __table_args__ = (
        UniqueConstraint("user_id", "role"),
        CheckConstraint(one_of("role", STAFF_ROLES), name="role_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    user: Mapped[User] = relationship(back_populates="roles", foreign_keys=[user_id])


class UserSession(Base):
    """A signed-in browser. Deleting the row ends the session, even for a copied cookie."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    user_agent: Mapped[str | None] = mapped_column(String(200))

    user: Mapped[User] = relationship()


class LoginAttempt(Base):
    """One login try; failures drive the limiter shared by every worker."""

    __tablename__ = "login_attempts"
    __table_args__ = (
        Index("ix_login_attempts_account_time", "account_key", "created_at"),
        Index("ix_login_attempts_ip_time", "ip_key", "created_at"),
        Index("ix_login_attempts_device_time", "device_key", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account_key: Mapped[str] = mapped_column(String(64))  # HMAC of the normalised e-mail
    ip_key: Mapped[str] = mapped_column(String(64))  # HMAC of the client address
    # HMAC of the device cookie's nonce when a browser that signed in to this account before
    # tried it: such attempts count against that browser only, never lock the account.
    device_key: Mapped[str | None] = mapped_column(String(64))
    succeeded: Mapped[bool]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
