"""What a company declares, with no Flask or database: checks, row merging, change log.

A representative edits the description, the contact points, the contact-centre locations
and the consumer mediator, never anything else. Each save compares the old and the new
declaration and yields one `Change` per field that differs: those become the public
history (CompanyDeclaration rows); an unchanged save yields none.
"""

import re
from dataclasses import dataclass, field
from typing import Generic, TypeVar
from urllib.parse import urlsplit

from rating.msgids import N_
from rating.plaintext import visible
from rating.vocabulary import CHANNELS, CONTACT_PHONE_COSTS

DESCRIPTION_MAX = 2000
MAX_CONTACT_POINTS = 12
MAX_CONTACT_CENTRES = 12
BLANK_ROWS = 2  # empty rows offered to add a contact point or a centre, without JavaScript

CHANNEL_LABELS = CHANNELS
PHONE_COST_LABELS = CONTACT_PHONE_COSTS
FIELD_LABELS = {  # translated when shown (the public history of declarations)
    "description": N_("Présentation"),
    "mediator_name": N_("Médiateur de la consommation"),
    "mediator_url": N_("Site du médiateur"),
    "contact_points": N_("Moyens de contact"),
    "contact_centres": N_("Centres de contact"),
}
SCALAR_FIELDS = ("description", "mediator_name", "mediator_url")
WEB_ONLY = "Seules les adresses web commençant par http:// ou https:// sont acceptées."
# Schemes a browser would run or open instead of a page (checked after removing blanks).
_SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*):")
_UNSAFE_SCHEMES = {"javascript", "vbscript", "data", "file", "blob", "about"}
_INVISIBLE = re.compile(r"[\s\x00-\x1f\x7f\u200b-\u200f\u2028-\u202f\ufeff]+")


def clean_text(value: str | None) -> str:
    """Visible characters only (rating.plaintext), trimmed, with the browser's CRLF line ends
    turned to LF (so a re-save changes nothing)."""
    return visible(value).replace("\r\n", "\n").replace("\r", "\n").strip()


def url_problem(url: str) -> str | None:
    """French reason why `url` is not a plain web address; None when it is one (or empty)."""
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or " " in url:
        return WEB_ONLY
    return None


def value_problem(value: str) -> str | None:
    """Refuse a contact value that a browser would run ('javascript:…') or open as a file.

    Phone numbers, handles and postal addresses are free text; a web address must be
    http(s). The check ignores blanks and control characters a browser would ignore too.
    """
    squeezed = _INVISIBLE.sub("", value).lower()
    match = _SCHEME.match(squeezed)
    if match and match.group(1) in _UNSAFE_SCHEMES:
        return WEB_ONLY
    if squeezed.startswith(("http:", "https:")):
        return url_problem(value.strip())
    return None


@dataclass(frozen=True)
class PointData:
    """One contact point as declared (the fields a representative may edit)."""

    channel: str
    label: str
    value: str
    hours: str = ""
    open_evenings: bool = False
    open_saturday: bool = False
    open_sunday: bool = False
    phone_cost: str | None = None


@dataclass(frozen=True)
class CentreData:
    """One contact-centre location as declared."""

    city: str
    country: str = "France"
    languages: str = "français"


@dataclass(frozen=True)
class Declared:
    """Everything a company declares, normalised, in display order."""

    description: str = ""
    mediator_name: str = ""
    mediator_url: str = ""
    contact_points: tuple[PointData, ...] = ()
    contact_centres: tuple[CentreData, ...] = ()


@dataclass(frozen=True)
class Change:
    """One changed field: becomes one CompanyDeclaration row."""

    field: str
    old: str
    new: str


def point_problems(point: PointData) -> list[tuple[str, str]]:
    """(sub-field, message) pairs for one contact point that is kept."""
    problems = []
    if not point.value:
        problems.append(("value", "Indiquez le numéro, l'adresse ou le lien de ce contact."))
    elif (message := value_problem(point.value)) is not None:
        problems.append(("value", message))
    if point.channel == "phone" and point.phone_cost not in PHONE_COST_LABELS:
        problems.append(("phone_cost", "Indiquez le coût de l'appel pour un numéro de téléphone."))
    return problems


def describe_point(point: PointData) -> str:
    """One line of the public history: 'Téléphone — Service clients : 09 70 … ; soir ; …'."""
    head = CHANNEL_LABELS.get(point.channel, point.channel)
    if point.label:
        head += f" — {point.label}"
    details = [point.hours] if point.hours else []
    opening = [
        name
        for name, is_open in (
            ("soir", point.open_evenings),
            ("samedi", point.open_saturday),
            ("dimanche", point.open_sunday),
        )
        if is_open
    ]
    if opening:
        details.append("ouvert " + ", ".join(opening))
    if point.channel == "phone" and point.phone_cost:
        details.append(PHONE_COST_LABELS.get(point.phone_cost, point.phone_cost).lower())
    return f"{head} : {point.value}" + "".join(f" ; {d}" for d in details)


def describe_centre(centre: CentreData) -> str:
    """'Rabat (Maroc) — français, arabe'."""
    return f"{centre.city} ({centre.country}) — {centre.languages}"


def field_text(declared: Declared, name: str) -> str:
    """The value of one declared field as stored in the history (lists: one line each)."""
    if name == "contact_points":
        return "\n".join(describe_point(p) for p in declared.contact_points)
    if name == "contact_centres":
        return "\n".join(describe_centre(c) for c in declared.contact_centres)
    return getattr(declared, name)


def diff_declared(old: Declared, new: Declared) -> list[Change]:
    """One Change per field whose value differs; [] when nothing changed."""
    changes = []
    for name in (*SCALAR_FIELDS, "contact_points", "contact_centres"):
        if getattr(old, name) != getattr(new, name):
            changes.append(Change(name, field_text(old, name), field_text(new, name)))
    return changes


T = TypeVar("T")


@dataclass(frozen=True)
class RowInput(Generic[T]):
    """A row of the form: the id of an existing row (None for a new one), its data, delete."""

    id: int | None
    data: T | None  # None: a blank row nobody filled in
    delete: bool = False


@dataclass
class RowPlan(Generic[T]):
    """What to do with a list of rows: the final order, deletions, changes, bad ids."""

    rows: list[tuple[int | None, T]] = field(default_factory=list)
    deleted: list[int] = field(default_factory=list)
    changed: set[int] = field(default_factory=set)
    unknown: list[int] = field(default_factory=list)


def plan_rows(existing: dict[int, T], submitted: list[RowInput[T]]) -> RowPlan[T]:
    """Merge the submitted rows into the existing ones, by id.

    Only a ticked "supprimer" deletes. An existing row missing from the form (a colleague
    added it meanwhile) is kept, at the end. An id that is not one of this company's rows
    is reported in `unknown` and touches nothing.
    """
    plan: RowPlan[T] = RowPlan()
    seen: set[int] = set()
    for row in submitted:
        if row.id is None:
            if not row.delete and row.data is not None:
                plan.rows.append((None, row.data))
            continue
        if row.id not in existing or row.id in seen:
            plan.unknown.append(row.id)
            continue
        seen.add(row.id)
        if row.delete:
            plan.deleted.append(row.id)
            continue
        data = existing[row.id] if row.data is None else row.data
        if data != existing[row.id]:
            plan.changed.add(row.id)
        plan.rows.append((row.id, data))
    plan.rows += [(row_id, data) for row_id, data in existing.items() if row_id not in seen]
    return plan
