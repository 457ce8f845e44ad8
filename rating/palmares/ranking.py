"""Rankings of the palmarès (pure: no Flask, no SQLAlchemy).

Two separate rankings, never blended: by latest published audit grade, and by community
score. Companies are compared on the value the page shows (one decimal), so two companies
showing the same figure share a rank ("ex aequo", competition ranking 1, 2, 2, 4) and are
listed A–Z within the tie. Nothing else (and never money) enters the order.
"""

import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

MIN_REVIEWS = 10  # community ranking: reviews needed inside the score's 36-month window

T = TypeVar("T")


@dataclass(frozen=True)
class Entry:
    """A company as both rankings see it; each measure stays in its own field."""

    company_id: int
    slug: str
    name: str
    sector_id: int
    grade20: float | None = None  # latest published grade; None: données insuffisantes
    letter: str | None = None
    period: str | None = None  # None: never audited
    methodology: str | None = None
    score: float | None = None  # community score, one decimal; None: no review in the window
    reviews: int = 0  # published reviews inside the score's window
    divergent: bool = False  # letter and community score disagree strongly (audit.summary)

    @property
    def audited(self) -> bool:
        return self.period is not None


@dataclass(frozen=True)
class Ranked(Generic[T]):
    rank: int
    tied: bool  # shares its rank with another company (ex aequo)
    item: T


def alphabetical(name: str) -> tuple[str, str]:
    """Sort key A–Z as a French reader expects it: "Émile" between "adèle" and "zoé"."""
    letters = unicodedata.normalize("NFKD", name)
    folded = "".join(ch for ch in letters if not unicodedata.combining(ch)).casefold()
    return folded, name


def rank(items: Iterable[T], value: Callable[[T], float], name: Callable[[T], str]) -> list:
    """Best value first; equal values share the rank of the first of them (1, 2, 2, 4)."""
    ordered = sorted(items, key=lambda item: (-value(item), *alphabetical(name(item))))
    ranked: list[Ranked] = []
    for position, item in enumerate(ordered, start=1):
        same_as_previous = bool(ranked) and value(item) == value(ranked[-1].item)
        number = ranked[-1].rank if same_as_previous else position
        ranked.append(Ranked(number, False, item))
    counts: dict[int, int] = {}
    for entry in ranked:
        counts[entry.rank] = counts.get(entry.rank, 0) + 1
    return [Ranked(r.rank, counts[r.rank] > 1, r.item) for r in ranked]


@dataclass(frozen=True)
class AuditRanking:
    ranked: list  # list[Ranked[Entry]], best grade first
    insufficient: list[Entry]  # latest grade is "données insuffisantes": listed apart, A–Z
    not_audited: int  # companies of the scope without any published grade


@dataclass(frozen=True)
class CommunityRanking:
    ranked: list  # list[Ranked[Entry]], best score first
    below_minimum: int  # companies with fewer than `minimum` reviews in the window
    minimum: int


def _by_name(entry: Entry) -> str:
    return entry.name


def audit_ranking(entries: Sequence[Entry], companies: int | None = None) -> AuditRanking:
    """Rank the companies whose latest published grade has a value; list the others apart.

    `companies` is how many the scope holds (default: len(entries)); the unaudited ones
    need not be among `entries`.
    """
    total = len(entries) if companies is None else companies
    graded = [e for e in entries if e.audited and e.grade20 is not None]
    insufficient = sorted(
        (e for e in entries if e.audited and e.grade20 is None), key=lambda e: alphabetical(e.name)
    )
    return AuditRanking(
        ranked=rank(graded, lambda e: e.grade20, _by_name),
        insufficient=insufficient,
        not_audited=total - sum(1 for e in entries if e.audited),
    )


def community_ranking(
    entries: Sequence[Entry], companies: int | None = None, minimum: int = MIN_REVIEWS
) -> CommunityRanking:
    """Rank the companies with at least `minimum` reviews in the window; count the others.

    `companies` is how many the scope holds (default: len(entries)).
    """
    total = len(entries) if companies is None else companies
    eligible = [e for e in entries if e.score is not None and e.reviews >= minimum]
    return CommunityRanking(
        ranked=rank(eligible, lambda e: e.score, _by_name),
        below_minimum=total - len(eligible),
        minimum=minimum,
    )


def podium(ranked: list, size: int = 3) -> list:
    """The first `size` ranks, ties included (ranks 1, 2, 3, 3 show four companies)."""
    return [r for r in ranked if r.rank <= size]
