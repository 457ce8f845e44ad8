"""The community score as every page shows it: the one reader of the summaries.

The company page, search results, the API, the badge, the palmarès, the dashboard and the
audit divergence notice all read the score here, so they cannot disagree: the stored
summaries (rating.scores.store) corrected to today's 36-month window even when the daily
`scores expire` job lags, turned into figures by the formula (rating.scores.formula).

A company whose window holds no published review has no score (None): "pas encore d'avis"
on pages, `null` in the API, never the prior alone (DESIGN, "Scores").
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from rating.models import Company, CompanyStats, ContactCentre, Review
from rating.vocabulary import COMMUNITY_CHANNELS

from . import buckets, calls, formula, store
from .contribution import Summary, channel_column


def score_of(summary: Summary, today: date) -> formula.CommunityScore | None:
    """The score of a summary already loaded for `today`'s window; None without a review."""
    sums = summary.sums()
    if not sums.count:
        return None
    return formula.score_from_sums(sums, today)


def company_scores(
    session: Session, company_ids: Iterable[int], today: date
) -> dict[int, formula.CommunityScore | None]:
    """{company id: score or None} for many companies (two queries at most)."""
    summaries = store.load_summaries(session, company_ids, today, with_buckets=False)
    return {company_id: score_of(summary, today) for company_id, summary in summaries.items()}


def company_score(session: Session, company_id: int, today: date) -> formula.CommunityScore | None:
    """One company's score (None when its window holds no published review)."""
    return company_scores(session, [company_id], today)[company_id]


@dataclass(frozen=True)
class CompanyScore:
    company_id: int
    slug: str
    name: str
    sector_id: int
    score: formula.CommunityScore | None

    @property
    def value(self) -> float | None:
        """The score shown (one decimal), None without a review in the window."""
        return self.score.score if self.score else None

    @property
    def count(self) -> int:
        """Published reviews inside the window (those the score is made of)."""
        return self.score.count if self.score else 0


def community_scores(
    session: Session, today: date, *where, at_least: int = 0
) -> dict[int, CompanyScore]:
    """Score of every company matching `where` (clauses on Company), reviewed or not.

    `at_least` keeps only the companies whose stored window holds that many reviews: a
    safe pre-filter, as the stored window never starts after today's and so never counts
    fewer reviews (the exact count is in each score).
    """
    stmt = select(Company.id, Company.slug, Company.name, Company.sector_id).where(*where)
    if at_least:
        stmt = stmt.join(CompanyStats, CompanyStats.company_id == Company.id).where(
            CompanyStats.window_count >= at_least
        )
    companies = session.execute(stmt).all()
    scores = company_scores(session, [row.id for row in companies], today) if companies else {}
    return {
        company_id: CompanyScore(company_id, slug, name, sector_id, scores.get(company_id))
        for company_id, slug, name, sector_id in companies
    }


def best_first(today: date) -> tuple:
    """ORDER BY clauses, on CompanyStats outer-joined to Company, for "best score first":
    companies with a review in the window by descending score, then those without one.

    The score is the formula's own (formula.bayesian) over the stored sums in SQL, so a list
    of any length sorts in the database. Unlike `company_scores`, it does not correct for
    reviews that the daily `scores expire` has not moved out of the window yet: while that
    job lags, a company may sit a place off; the figures shown are always exact.
    """
    scale = formula.decay(today)
    weight = func.coalesce(CompanyStats.sum_weight, 0.0) * scale
    weighted = func.coalesce(CompanyStats.sum_weighted_stars, 0.0) * scale
    unrated = case((func.coalesce(CompanyStats.window_count, 0) > 0, 0), else_=1)
    return unrated, formula.bayesian(weighted, weight).desc()


def _counted(today: date) -> tuple:
    """The reviews the score is made of: published, not flagged, inside today's window."""
    return (
        Review.status == "published",
        Review.flag.is_(None),
        Review.experience_date.between(formula.window_start(today), today),
    )


def answered(
    session: Session, company_ids: Iterable[int], today: date
) -> dict[int, calls.Answered]:
    """{company id: where shoppers say they were answered} (two queries)."""
    ids = list(company_ids)
    rows: dict[int, list] = {company_id: [] for company_id in ids}
    declared: dict[int, list[str]] = {company_id: [] for company_id in ids}
    if not ids:
        return {}
    counted = session.execute(
        select(Review.company_id, Review.answered_from, Review.answered_country, func.count())
        .where(Review.company_id.in_(ids), Review.answered_from.is_not(None), *_counted(today))
        .group_by(Review.company_id, Review.answered_from, Review.answered_country)
    )
    for company_id, answered_from, country, number in counted:
        rows[company_id].append((answered_from, country, number))
    centres = session.execute(
        select(ContactCentre.company_id, ContactCentre.country).where(
            ContactCentre.company_id.in_(ids)
        )
    )
    for company_id, country in centres:
        declared[company_id].append(country or "")
    return {
        company_id: calls.answered(rows[company_id], declared[company_id]) for company_id in ids
    }


@dataclass(frozen=True)
class CompanyCalls:
    """Where a company's calls are answered, and its figures per channel."""

    answered: calls.Answered
    channels: list[calls.ChannelFigures] = field(default_factory=list)
    # The thresholds, for the page's explanations (class attributes, not fields).
    min_answers = calls.MIN_ANSWERS
    min_channel_reviews = calls.MIN_CHANNEL_REVIEWS


def channel_totals(summary: Summary) -> dict[str, calls.ChannelTotals]:
    """The stored figures per channel of a summary loaded `with_channels`."""
    return {
        channel: calls.ChannelTotals(
            sums=summary.sums(channel),
            median_hold_minutes=summary.median(buckets.CHANNEL_HOLD[channel]),
            human_reached_yes=int(summary.value(channel_column(channel, "human_reached_yes"))),
            human_reached_answers=int(
                summary.value(channel_column(channel, "human_reached_answers"))
            ),
        )
        for channel in COMMUNITY_CHANNELS
    }


def answered_rows(summary: Summary) -> list[tuple[str, str | None, int]]:
    """(answered_from, answered_country, number of reviews) rows of a summary's buckets."""
    return [
        (code, buckets.bucket_country(bucket), count)
        for code, metric in buckets.ANSWERED.items()
        for bucket, count in sorted(summary.histogram(metric).items())
        if count
    ]


def company_calls(
    session: Session,
    company_id: int,
    declared_countries: Iterable[str],
    today: date,
    summary: Summary | None = None,
) -> CompanyCalls:
    """Where a company's calls are answered and its figures per channel, from its stored
    summary (rating.scores.store: the same cost at 10 or 50,000 reviews); `summary` when
    already loaded with its buckets and channels (rating.reviews.community.community_summary
    "stored"), `declared_countries` its declared centres' (already loaded)."""
    if summary is None:
        summary = store.load_summary(session, company_id, today, with_channels=True)
    return CompanyCalls(
        answered=calls.answered(answered_rows(summary), declared_countries),
        channels=calls.figures_of(channel_totals(summary), today),
    )
