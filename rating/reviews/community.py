"""Plain values for the company page: community score, distribution, facts, ledger, review list."""

import hashlib
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, bindparam, case, func, or_, select
from sqlalchemy.orm import Session, selectinload

from rating import vocabulary
from rating.db import Page
from rating.models import Appeal, Company, ModerationDecision, Report, Review, ReviewSignal, User
from rating.scores import buckets, formula, read, store
from rating.scores.contribution import STATUS_COLUMNS, Summary

from . import chart, rules

# The orders of the review list; their labels are rating.vocabulary.REVIEW_SORTS.
SORTS = {
    "recent": (Review.published_at.desc(), Review.id.desc()),
    "oldest": (Review.published_at.asc(), Review.id.asc()),
    "experience": (Review.experience_date.desc(), Review.id.desc()),
    "best": (Review.stars.desc(), Review.published_at.desc()),
    "worst": (Review.stars.asc(), Review.published_at.desc()),
}
PER_PAGE = 10


def reviews_query(company_id: int, filters: dict) -> Select:
    """Published reviews of a company, filtered and sorted (default: newest first)."""
    stmt = select(Review).where(Review.company_id == company_id, Review.status == "published")
    if filters.get("channel") in rules.CHANNELS:
        stmt = stmt.where(Review.channel == filters["channel"])
    if filters.get("stars") in (1, 2, 3, 4, 5):
        stmt = stmt.where(Review.stars == filters["stars"])
    aspect = filters.get("aspect")
    if aspect in vocabulary.ASPECTS:
        names = vocabulary.ASPECT_CRITERIA[aspect]
        stmt = stmt.where(or_(*(getattr(Review, n).is_not(None) for n in names)))
    if filters.get("with_reply"):
        stmt = stmt.where(Review.reply.has())
    if filters.get("solved"):
        stmt = stmt.where(or_(Review.solved == "yes", Review.solved_after_reply.is_(True)))
    order = SORTS.get(filters.get("sort") or "recent", SORTS["recent"])
    # Authors' roles are not shown: left unloaded (lazy) rather than fetched for every page.
    authors = selectinload(Review.author).lazyload(User.roles)
    return stmt.order_by(*order).options(selectinload(Review.reply), authors)


@dataclass(frozen=True)
class ReviewCard:
    """A review as the list shows it."""

    review: Review
    criteria: list[tuple[str, str, int | None]]  # (group, label, value)
    remedies: bool  # negative after-sales: link to SignalConso and the mediator

    @property
    def edited(self) -> bool:
        return self.review.updated_at is not None


ReviewPage = Page  # one page of ReviewCard items


def card(review: Review) -> ReviewCard:
    values = review.criteria()
    criteria = [
        (vocabulary.ASPECT_SHORT[aspect], vocabulary.CRITERIA[name], values[name])
        for aspect, names in vocabulary.ASPECT_CRITERIA.items()
        for name in names
    ]
    return ReviewCard(
        review=review,
        criteria=[c for c in criteria if c[2] is not None],
        remedies=rules.is_negative_after_sales(review.stars, values),
    )


def _total(session: Session, filters: dict, stmt: Select, summary: dict | None) -> int:
    """How many reviews the list holds: from the summary when it can tell, else counted."""
    narrowing = {k for k, v in filters.items() if v and k != "sort"}
    if summary is not None and narrowing <= {"stars"}:
        stars = filters.get("stars")
        if stars in formula.STAR_VALUES:
            return summary["star_counts"][stars]
        if not narrowing:
            return summary["total"]
    return session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0


def reviews_page(
    session: Session, company_id: int, filters: dict, page: int, summary: dict | None = None
) -> ReviewPage:
    """One page of a company's published reviews (an out-of-range page shows the last one).

    `summary` (community_summary of the same company) saves counting the reviews."""
    stmt = reviews_query(company_id, filters)
    total = _total(session, filters, stmt, summary)
    pages = max(1, -(-total // PER_PAGE))
    page = min(max(page, 1), pages)
    rows = session.scalars(stmt.limit(PER_PAGE).offset((page - 1) * PER_PAGE)).all()
    return ReviewPage([card(r) for r in rows], total, page, PER_PAGE)


def _median_reply_hours(summary: Summary) -> float | None:
    """Median delay of the company's replies (from its histogram, see rating.scores.buckets)."""
    minutes = summary.median(buckets.REPLY)
    return None if minutes is None else minutes / 60


def _facts(summary: Summary) -> dict:
    """Medians and shares of the declared facts over the reviews of the score's window."""
    value = summary.value
    return {
        **{name: summary.median(metric) for name, metric in buckets.FACTS.items()},
        "human_reached_rate": formula.rate(
            value("human_reached_yes"), value("human_reached_answers")
        ),
        "human_reached_answers": int(value("human_reached_answers")),
        "surcharged_rate": formula.rate(value("surcharged_count"), value("phone_cost_answers")),
        "phone_cost_answers": int(value("phone_cost_answers")),
    }


def _company_reports(session: Session, company_id: int) -> tuple[int, int]:
    """(reports made by the company's representatives, of which upheld): one query."""
    reported, upheld = session.execute(
        select(func.count(), func.sum(case((Report.status == "upheld", 1), else_=0))).where(
            Report.company_id == company_id
        )
    ).one()
    return int(reported or 0), int(upheld or 0)


def _ledger(summary: Summary, reports: tuple[int, int]) -> dict:
    counts = {status: int(summary.value(column)) for status, column in STATUS_COLUMNS.items()}
    refused = [
        (_reason(code), n)
        for code, n in sorted(
            ((code, n) for code, n in summary.histogram(buckets.REFUSAL).items() if n),
            key=lambda item: (-item[1], item[0]),
        )
    ]
    return {
        "received": sum(counts.values()),
        "published": counts["published"],
        "pending": counts["pending"],
        "rejected": counts["rejected"],
        "removed": counts["removed"],
        "refused_by_reason": [
            (vocabulary.LABELS["refusal"].get(reason, vocabulary.OTHER_REASON), n)
            for reason, n in refused
        ],
        "refused_reasons": refused,  # (reason code, "" for another one; count): the API's
        "reported_by_company": reports[0],
        "reported_upheld": reports[1],
        "withdrawn": counts["withdrawn"],
    }


def _reason(code: int) -> str:
    return buckets.REFUSAL_CODES[code] if 0 <= code < len(buckets.REFUSAL_CODES) else ""


def moderation_ledger(session: Session, company_id: int) -> dict:
    """Public ledger: received, published, refused by reason, reported by the company, withdrawn."""
    summary = store.load_summary(session, company_id, date.today())
    return _ledger(summary, _company_reports(session, company_id))


def community_summary(session: Session, company_id: int, today: date | None = None) -> dict:
    """Everything the community-score block shows, as plain values (four queries), and the
    stored summary they come from ("stored": what rating.scores.read.company_calls reads)."""
    today = today or date.today()
    summary = store.load_summary(session, company_id, today, with_channels=True)
    score = read.score_of(summary, today)  # None: no published review in the window
    counts = {n: int(summary.value(f"stars_{n}")) for n in formula.STAR_VALUES}
    bars, width, height = chart.star_bars(counts)
    published = int(summary.value("review_count"))
    answered = int(summary.value("solved_after_reply_answered"))
    return {
        "score": score,
        "total": published,
        "star_counts": counts,
        "bars": bars,
        "chart_width": width,
        "chart_height": height,
        "reply_rate": formula.rate(summary.value("reply_count"), published),
        "median_reply_hours": _median_reply_hours(summary),
        "solved_after_reply_rate": formula.rate(summary.value("solved_after_reply_yes"), answered),
        "solved_after_reply_answered": answered,
        "facts": _facts(summary),
        "ledger": _ledger(summary, _company_reports(session, company_id)),
        "prior": (formula.PRIOR_WEIGHT, formula.PRIOR_MEAN),
        "stored": summary,
    }


def public_community(summary: dict) -> dict:
    """The `community` object of the public JSON (score, count, distribution, sub-scores)."""
    score = summary["score"]
    return {
        "score": score.score if score else None,
        "count": score.count if score else 0,
        "distribution": {str(bar.stars): bar.count for bar in summary["bars"]},
        "reception": score.reception if score else None,
        "after_sales": score.after_sales if score else None,
        "reply_rate": summary["reply_rate"],
        "median_reply_hours": summary["median_reply_hours"],
        "solved_after_reply_rate": summary["solved_after_reply_rate"],
    }


@dataclass(frozen=True)
class MyReview:
    """A line of "Mes avis": what the author sees of one of their reviews."""

    id: int
    title: str
    status: str
    status_reason: str | None
    flag: str | None
    created_at: object
    company: "MyCompany"
    hold_signals: tuple = ()


@dataclass(frozen=True)
class MyCompany:
    slug: str
    name: str


@dataclass(frozen=True)
class HoldSignal:
    code: str


def my_review_rows(session: Session, author_id: int) -> list:
    """The author's reviews, newest first, with what else "Mes avis" shows of each in brief
    (one statement): their rows are the page's cache stamp (`rows_stamp`)."""
    return session.execute(_MY_REVIEWS, {"author_id": author_id}).all()


def rows_stamp(rows: list) -> str:
    """A digest of everything "Mes avis" shows: each review's title, state, flag, date and
    company (slug, name), and the latest hold signal, decision and appeal (its decision
    included) of each. Signals and decisions are only ever added, an appeal is decided
    once (its status, ground and statement with its `decided_at`): any change shown on
    the page changes the digest."""
    return hashlib.blake2b(repr([tuple(row) for row in rows]).encode(), digest_size=16).hexdigest()


def my_reviews(session: Session, rows: list) -> list[MyReview]:
    """The lines of "Mes avis" from `my_review_rows` (a second query only when some are
    pending: why they are held)."""
    pending = [row.id for row in rows if row.status == "pending"]
    held: dict[int, list[HoldSignal]] = {}
    if pending:
        for review_id, code in session.execute(_HOLDS, {"ids": pending}):
            held.setdefault(review_id, []).append(HoldSignal(code))
    return [
        MyReview(
            id=row.id, title=row.title, status=row.status, status_reason=row.status_reason,
            flag=row.flag, created_at=row.created_at, company=MyCompany(row.slug, row.name),
            hold_signals=tuple(held.get(row.id, ())),
        )
        for row in rows
    ]  # fmt: skip


def _latest(column, *where):
    """The largest `column` of the rows about the review of the outer query."""
    return select(func.max(column)).where(*where).scalar_subquery()


_MY_REVIEWS = (
    select(
        Review.id, Review.title, Review.status, Review.status_reason, Review.flag,
        Review.created_at, Company.slug, Company.name,
        _latest(ReviewSignal.id, ReviewSignal.review_id == Review.id).label("signal"),
        _latest(ModerationDecision.id, ModerationDecision.review_id == Review.id)
        .label("decision"),
        _latest(Appeal.id, Appeal.review_id == Review.id).label("appeal"),
        _latest(Appeal.decided_at, Appeal.review_id == Review.id).label("appeal_decided"),
    )
    .join(Company, Company.id == Review.company_id)
    .where(Review.author_id == bindparam("author_id"))
    .order_by(Review.created_at.desc())
)  # fmt: skip
_HOLDS = (
    select(ReviewSignal.review_id, ReviewSignal.code)
    .where(ReviewSignal.review_id.in_(bindparam("ids", expanding=True)))
    .where(ReviewSignal.action == "hold")
    .order_by(ReviewSignal.id)
)


def decision_grounds(session: Session, review_ids) -> dict[int, dict]:
    """For "Mes avis": each refused or removed review's ground, explanation and appeal."""
    found: dict[int, dict] = {}
    for review_id, reason, appeal in session.execute(_GROUNDS, {"ids": list(review_ids)}):
        found[review_id] = {
            "ground": vocabulary.REFUSAL_GROUNDS.get(reason or "", "terms"),
            "reason": reason,
            "appeal": appeal,
        }
    return found


# Built once (its compiled form is then reused): the decisions, the latest last, each with
# the appeal against it if any (one per decision).
_GROUNDS = (
    select(ModerationDecision.review_id, ModerationDecision.reason, Appeal)
    .outerjoin(Appeal, Appeal.decision_id == ModerationDecision.id)
    .where(
        ModerationDecision.review_id.in_(bindparam("ids", expanding=True)),
        ModerationDecision.decision.in_(("reject", "remove")),
    )
    .order_by(ModerationDecision.created_at, ModerationDecision.id)
)
