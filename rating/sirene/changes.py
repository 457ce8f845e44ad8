"""What an import changes on a company the site already knows (no Flask, no database).

SIRENE owns the legal name, the sigle (an alias) and whether the unit has ceased. The
display name follows the register only while nobody renamed it (name = legal name). A field
a representative declared (a CompanyDeclaration row names it) or an administrator edited (a
"company_edited" entry of the admin log changed it) is never touched; neither is anything
else a company declares (description, contacts, mediator). A company merged into another is
never touched (it would reopen a page that redirects), and one an administrator closed is
not reopened by the register: only the import's own closings are undone by it.
"""

from dataclasses import dataclass
from datetime import datetime

from .layout import Unit

OWNED_FIELDS = ("name", "legal_name", "aliases")  # the columns an import may write


@dataclass(frozen=True, slots=True)
class Known:
    """The columns of a stored company that an import reads."""

    id: int
    name: str
    legal_name: str
    aliases: str
    closed_at: datetime | None
    merged: bool = False  # merged into another company (rating.admin.merge)
    closed_by_admin: bool = False  # its latest close or reopen in the admin log is a close


def skip_reason(known: Known, unit: Unit) -> str | None:
    """Why the import leaves a stored company alone (a SKIP_REASONS code), or None."""
    if known.merged:
        return "merged"
    if unit.active and known.closed_at is not None and known.closed_by_admin:
        return "closed_by_admin"
    return None


def with_alias(aliases: str, alias: str, name: str) -> str:
    """`aliases` plus `alias` on its own line, unless empty, already there or the name."""
    alias = alias.strip()
    present = {a.strip().casefold() for a in aliases.splitlines()} | {name.casefold()}
    if not alias or alias.casefold() in present:
        return aliases
    return f"{aliases.rstrip()}\n{alias}" if aliases.strip() else alias


def changes_for(known: Known, unit: Unit, declared: set[str], now: datetime) -> dict:
    """The new values of the columns that change ({} when none does).

    A ceased unit only closes the company (its names stay as the reviews knew them); an
    active one reopens it when it had been closed, and refreshes what SIRENE owns.
    """
    if not unit.active:
        return {} if known.closed_at is not None else {"closed_at": now}
    new = {"closed_at": None} if known.closed_at is not None else {}
    if "legal_name" not in declared and known.legal_name != unit.name:
        new["legal_name"] = unit.name
        if "name" not in declared and known.name == known.legal_name:
            new["name"] = unit.name
    if "aliases" not in declared:
        aliases = with_alias(known.aliases, unit.sigle, new.get("name", known.name))
        if aliases != known.aliases:
            new["aliases"] = aliases
    return new
