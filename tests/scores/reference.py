"""The community block computed the slow way, scanning every review (the pre-summary code).

The summaries must give the same page: the same score, counts, rates and ledger, and the
medians the histograms promise (rating.scores.buckets: exact under the caps).
"""

from collections import Counter
from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import func, select

from rating.models import Reply, Report, Review
from rating.models.review import CRITERIA
from rating.reviews import rules
from rating.scores import buckets, calls, formula, read


def no_prior(score):
    """The reference score as pages show it: none at all without a review in the window."""
    return score if score.count else None


def _median(metric: str, values) -> float | None:
    scale = buckets.SCALES[metric]
    return buckets.median(scale, buckets.histogram(scale, values))


def reference(session, company_id: int, today: date) -> dict:
    """Plain values of the community block, from the rows."""
    reviews = session.scalars(select(Review).where(Review.company_id == company_id)).all()
    published = [r for r in reviews if r.status == "published"]
    inside = [r for r in published if r.experience_date >= formula.window_start(today)]
    rated = [formula.RatedReview(r.experience_date, r.stars, r.criteria()) for r in published]
    replies = {
        reply.review_id: reply
        for reply in session.scalars(select(Reply).where(Reply.company_id == company_id))
    }
    delays = [
        (replies[r.id].created_at - r.published_at).total_seconds()
        for r in published
        if r.id in replies and r.published_at is not None
    ]
    answered = [
        r.solved_after_reply
        for r in published
        if r.id in replies and r.published_at and r.solved_after_reply is not None
    ]
    humans = [r.human_reached for r in inside if r.human_reached is not None]
    costs = [r.phone_cost for r in inside if r.phone_cost is not None]
    statuses = Counter(r.status for r in reviews)
    refused = Counter(
        rules.REFUSAL_REASONS.get(r.status_reason or "", "Autre motif")
        for r in reviews
        if r.status in ("rejected", "removed")
    )
    # The same refusals by code ("" for a reason without a code of its own), for the API.
    refused_codes = Counter(
        r.status_reason if r.status_reason in buckets.REFUSAL_CODES else ""
        for r in reviews
        if r.status in ("rejected", "removed")
    )
    reports = session.execute(
        select(Report.status, func.count())
        .where(Report.company_id == company_id)
        .group_by(Report.status)
    ).all()
    minutes = [max(int(s // 60), 0) for s in delays]
    reply_median = _median("reply", minutes)
    return {
        "score": no_prior(formula.community_score(rated, today)),
        "total": len(published),
        "distribution": {n: sum(r.stars == n for r in published) for n in range(1, 6)},
        "reply_rate": formula.rate(len(delays), len(published)),
        "median_reply_hours": None if reply_median is None else reply_median / 60,
        "solved_after_reply_rate": formula.rate(sum(answered), len(answered)),
        "solved_after_reply_answered": len(answered),
        "facts": {
            "hold_minutes": _median("hold", [r.hold_minutes for r in inside]),
            "contacts_count": _median("contacts", [r.contacts_count for r in inside]),
            "resolution_days": _median("resolution", [r.resolution_days for r in inside]),
            "human_reached_rate": formula.rate(sum(humans), len(humans)),
            "human_reached_answers": len(humans),
            "surcharged_rate": formula.rate(costs.count("surcharged"), len(costs)),
            "phone_cost_answers": len(costs),
        },
        "ledger": {
            "received": len(reviews),
            "published": statuses["published"],
            "pending": statuses["pending"],
            "rejected": statuses["rejected"],
            "removed": statuses["removed"],
            "refused_by_reason": sorted(refused.items(), key=lambda item: (-item[1], item[0])),
            "refused_reasons": sorted(refused_codes.items(), key=lambda item: (-item[1], item[0])),
            "reported_by_company": sum(n for _, n in reports),
            "reported_upheld": sum(n for status, n in reports if status == "upheld"),
            "withdrawn": statuses["withdrawn"],
        },
    }


def as_compared(summary: dict) -> dict:
    """The community_summary() values that `reference` also computes."""
    ledger = dict(summary["ledger"])
    # Equal counts may come in either order: compare them sorted the same way.
    for key in ("refused_by_reason", "refused_reasons"):
        ledger[key] = sorted(ledger[key], key=lambda item: (-item[1], item[0]))
    return {
        "score": summary["score"],
        "total": summary["total"],
        "distribution": {bar.stars: bar.count for bar in summary["bars"]},
        **{
            key: summary[key]
            for key in (
                "reply_rate",
                "median_reply_hours",
                "solved_after_reply_rate",
                "solved_after_reply_answered",
                "facts",
            )
        },
        "ledger": ledger,
    }


def reference_calls(session, company_id: int, today: date, declared=()) -> tuple:
    """Where calls are answered and the figures per channel, from every counted review of
    the window (the code the company page ran before the figures were stored)."""
    rows = session.execute(
        select(
            Review.channel, Review.experience_date, Review.stars, Review.hold_minutes,
            Review.human_reached, Review.answered_from, Review.answered_country,
            *(getattr(Review, name) for name in CRITERIA),
        ).where(
            Review.company_id == company_id,
            Review.status == "published",
            Review.flag.is_(None),
            Review.experience_date.between(formula.window_start(today), today),
        )
    ).all()  # fmt: skip
    reviews = [
        calls.ChannelReview(
            channel=row[0], experience_date=row[1], stars=row[2], hold_minutes=row[3],
            human_reached=row[4], criteria=dict(zip(CRITERIA, row[7:], strict=True)),
        )
        for row in rows
    ]  # fmt: skip
    reported = Counter((row[5], row[6]) for row in rows if row[5] is not None)
    answered = calls.answered(((fr, c, n) for (fr, c), n in reported.items()), declared)
    return answered, calls.channel_figures(reviews, today)


def assert_same_calls(session, company_id: int, today: date, declared=("France",)) -> None:
    """The stored figures per channel and "where calls are answered" equal the scan of
    every review: the same channels shown (5 reviews on), counts, scores, medians, shares."""
    stored = read.company_calls(session, company_id, declared, today)
    answered, channels = reference_calls(session, company_id, today, declared)
    assert stored.answered == answered
    assert [c.channel for c in stored.channels] == [c.channel for c in channels]
    for got, want in zip(stored.channels, channels, strict=True):
        # The sums are added in another order: the same to the last few bits.
        assert got.score.raw == pytest.approx(want.score.raw, rel=1e-9)
        assert got == replace(want, score=replace(want.score, raw=got.score.raw))
