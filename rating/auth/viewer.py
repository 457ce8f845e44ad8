"""The signed-in visitor of the most read pages, read in one small query instead of the ORM
user (rating.auth.sessions.load_viewer).

A Viewer answers what those pages and their slots ask (id, pseudonym, roles, memberships,
whether the address is verified). Anything else loads the full user once, through the
request's session, and is read from it: a template that grows a new need still works, at
the old cost. Writes never see a Viewer: only GET and HEAD requests to a few read-only
endpoints get one.
"""

from dataclasses import dataclass, field
from types import SimpleNamespace

from flask_login import UserMixin


@dataclass(eq=False)
class Viewer(UserMixin):
    id: int
    pseudonym: str
    is_verified: bool
    role_names: frozenset[str]
    membership_rows: tuple[tuple[int, str], ...]  # (company_id, status)
    session_token: str
    _user: object = field(default=None, repr=False)

    def get_id(self) -> str:
        return self.session_token

    @property
    def display_name(self) -> str:
        return self.pseudonym

    @property
    def is_deleted(self) -> bool:
        return False  # a deleted account has no live session

    def has_role(self, role: str) -> bool:
        return role in self.role_names

    def represented_company_ids(self) -> set[int]:
        return {company_id for company_id, status in self.membership_rows if status == "active"}

    @property
    def roles(self) -> list:
        return [SimpleNamespace(role=name) for name in sorted(self.role_names)]

    @property
    def memberships(self) -> list:
        return [SimpleNamespace(company_id=c, status=s) for c, s in self.membership_rows]

    def __getattr__(self, name: str):
        """What the Viewer does not hold (an address, a date…), from the full user."""
        if name.startswith("_"):
            raise AttributeError(name)
        if self._user is None:
            from ..db import get_session  # noqa: PLC0415 (only on this rare path)
            from ..models import User  # noqa: PLC0415

            self._user = get_session().get(User, self.id)
        return getattr(self._user, name)
