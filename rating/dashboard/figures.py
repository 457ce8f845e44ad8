"""The dashboard's key figures as displayed strings, and the company's place in its sector.

The page and the CSV export print the same `Figure` list, so they cannot disagree; numbers
and words are in the page's language (rating.formatting), the sector position is pure.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from flask_babel import gettext

from rating.formatting import decimal, delay, percent
from rating.msgids import N_
from rating.scores import formula

MIN_RANKED_REVIEWS = 10  # below this, a company is "non classé" in its sector


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    value: str


@dataclass(frozen=True)
class SectorPosition:
    """Median score of the ranked companies of the sector and this company's rank (1 = best)."""

    median: float | None
    rank: int | None  # None: not ranked (fewer than MIN_RANKED_REVIEWS reviews)
    ranked: int  # companies of the sector that are ranked


def sector_position(scores: Mapping[int, tuple[float, int]], company_id: int) -> SectorPosition:
    """From {company id: (shown score, reviews in window)} of a sector.

    Only companies with at least MIN_RANKED_REVIEWS reviews are ranked and enter the median.
    Ranks follow the one-decimal scores people see; equal scores share a rank (1, 2, 2, 4).
    """
    ranked = {cid: score for cid, (score, count) in scores.items() if count >= MIN_RANKED_REVIEWS}
    median = formula.median(ranked.values())
    rank = None
    if company_id in ranked:
        rank = 1 + sum(1 for score in ranked.values() if score > ranked[company_id])
    return SectorPosition(
        median=None if median is None else formula.one_decimal(median),
        rank=rank,
        ranked=len(ranked),
    )


def rank_label(position: SectorPosition) -> str:
    if position.rank is None:
        return gettext("non classé (moins de %(min)d avis sur 36 mois)", min=MIN_RANKED_REVIEWS)
    if position.rank == 1:
        return gettext("1er sur %(ranked)d", ranked=position.ranked)
    return gettext("%(rank)de sur %(ranked)d", rank=position.rank, ranked=position.ranked)


def audit_label(latest) -> str:
    """Latest published audit grade in one line (`latest` has letter, grade20, period)."""
    if latest is None:
        return gettext("pas encore audité")
    if latest.letter is None:
        return gettext("données insuffisantes (%(period)s)", period=latest.period)
    return f"{latest.letter}, {decimal(latest.grade20)}/20 ({latest.period})"


def key_figures(
    summary: Mapping, awaiting: int, position: SectorPosition, audit_latest=None
) -> list[Figure]:
    """Figures of the scorecard; `summary` is rating.reviews.community.community_summary()."""
    score = summary["score"]
    not_rated = gettext("pas encore noté")
    return [
        Figure("score", N_("Note de la communauté (sur 5)"), decimal(score and score.score)),
        Figure(
            "score_count",
            N_("Avis comptés dans la note (36 derniers mois)"),
            str(score.count if score else 0),
        ),
        Figure("published", N_("Avis publiés en tout"), str(summary["total"])),
        Figure(
            "reception",
            N_("Accueil (sur 5)"),
            not_rated if not score or score.reception is None else decimal(score.reception),
        ),
        Figure(
            "after_sales",
            N_("Service après-vente (sur 5)"),
            not_rated if not score or score.after_sales is None else decimal(score.after_sales),
        ),
        Figure("reply_rate", N_("Taux de réponse"), percent(summary["reply_rate"])),
        Figure("reply_delay", N_("Délai médian de réponse"), delay(summary["median_reply_hours"])),
        Figure(
            "solved_after_reply",
            N_("Résolu après la réponse"),
            percent(summary["solved_after_reply_rate"]),
        ),
        Figure(
            "solved_answers",
            N_("Auteurs ayant dit si la réponse a résolu le problème"),
            str(summary["solved_after_reply_answered"]),
        ),
        Figure("awaiting", N_("Avis en attente de réponse"), str(awaiting)),
        Figure("sector_median", N_("Note médiane du secteur (sur 5)"), decimal(position.median)),
        Figure("sector_rank", N_("Rang dans le secteur"), rank_label(position)),
        Figure("audit", N_("Dernière note d'audit"), audit_label(audit_latest)),
    ]
