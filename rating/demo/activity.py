"""Build the demo reviews with their replies, invitations, reports and moderation (pure).

Stars follow each company's hidden quality, so scores differ between companies in a
believable way; texts are composed from the phrase banks around the review's own facts.
"""

import hashlib
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from rating.moderation.delays import MAX_WAIT

from . import phrases
from .companies import CompanyPlan
from .people import Account

PUBLISHED = 3000
MAX_WAIT_HOURS = MAX_WAIT.total_seconds() / 3600  # the charter's maximum, 7 days
# Shares of the other states, relative to the published count.
PENDING, REJECTED, WITHDRAWN, REMOVED = 0.03, 0.035, 0.01, 0.005
CHANNEL_WEIGHTS = {"phone": 40, "email": 25, "chat": 12, "social": 8, "shop": 10, "letter": 5}
RECEPTION = ("reachability", "waiting", "courtesy", "listening")
AFTER_SALES = ("resolution", "responsiveness", "follow_up", "competence")


@dataclass
class ReviewPlan:
    """A review row plus what hangs from it; indexes point into the company/account lists."""

    row: dict
    company: int
    author: int
    reply: dict | None = None  # with "author": account index
    invitation: dict | None = None  # with "created_by": account index
    decision: dict | None = None  # a moderator's decision
    signal: dict | None = None  # why a pending review is held
    reports: list[dict] = field(default_factory=list)  # with "reporter": account index


def _clip(value: float) -> int:
    return max(1, min(5, round(value)))


def _mood(stars: int) -> str:
    return "bad" if stars <= 2 else "mid" if stars == 3 else "good"


def _solved(rng, stars: int) -> str:
    weights = {"bad": (15, 60, 25), "mid": (50, 25, 25), "good": (80, 5, 15)}[_mood(stars)]
    return rng.choices(("yes", "no", "in_progress"), weights)[0]


def _facts(rng, plan: CompanyPlan, channel: str, stars: int, solved: str) -> dict:
    """Optional facts, each sometimes left blank as real users do."""
    facts = dict.fromkeys(
        ("hold_minutes", "contacts_count", "resolution_days", "human_reached", "phone_cost")
    )
    if channel == "phone" and rng.random() < 0.7:
        facts["hold_minutes"] = int(rng.lognormvariate(0, 0.6) * (2 + (5 - plan.quality) * 5))
    if rng.random() < 0.6:
        facts["contacts_count"] = 1 + int(rng.expovariate(1 / max(0.2, 4.5 - stars)))
    if solved == "yes" and rng.random() < 0.5:
        facts["resolution_days"] = int(rng.expovariate(1 / (2 + (5 - plan.quality) * 6)))
    if channel in ("phone", "chat") and rng.random() < 0.6:
        facts["human_reached"] = rng.random() < 0.35 + stars * 0.13
    if channel == "phone" and plan.phone_cost != "standard" and rng.random() < 0.5:
        facts["phone_cost"] = "surcharged" if plan.phone_cost == "premium" else "free"
    return facts


def _answered(plan: CompanyPlan, channel: str, stars: int, key: str) -> dict:
    """Where the shopper thinks the call was answered, and the transfers (phone, chat;
    often left blank). Its own random stream per review, so the rest of the demo stays."""
    answers = dict.fromkeys(("answered_from", "answered_country", "transfers"))
    if channel not in ("phone", "chat"):
        return answers
    rng = random.Random(f"answered-{key}")
    if rng.random() < 0.92:
        abroad = rng.random() < plan.abroad_share
        # Perceptions: most guess right, some do not know, a few guess wrong.
        weights = (0.1, 0.75, 0.15) if abroad else (0.8, 0.05, 0.15)
        said = rng.choices(("france", "abroad", "unknown"), weights)[0]
        answers["answered_from"] = said
        if said == "abroad" and rng.random() < 0.6:
            answers["answered_country"] = rng.choice(plan.abroad_countries)
    if rng.random() < 0.5:
        answers["transfers"] = min(20, int(rng.expovariate(1 / (0.3 + (5 - stars) * 0.6))))
    return answers


def _criteria(rng, plan: CompanyPlan, stars: int) -> dict:
    """Eight criteria near the stars; about one in eight left "sans avis" (NULL)."""
    values = {}
    for name in RECEPTION + AFTER_SALES:
        bias = plan.reception_bias if name in RECEPTION else -plan.reception_bias / 2
        given = rng.random() > 0.12
        values[name] = _clip(stars + bias + rng.gauss(0, 0.8)) if given else None
    return values


def _text(rng, plan: CompanyPlan, channel: str, stars: int, solved: str, facts: dict):
    """A French title and a body of several sentences built around the review's facts."""
    mood = _mood(stars)
    topic = rng.choice(phrases.TOPICS[plan.sector])
    parts = [rng.choice(phrases.OPENINGS[channel]).format(topic=topic, name=plan.row["name"])]
    minutes = facts["hold_minutes"]
    if channel == "phone":
        bank = phrases.WAITING_GOOD if mood == "good" else phrases.WAITING_BAD
        parts.append(rng.choice(bank).format(m=minutes if minutes else rng.randint(3, 40)))
    elif channel in ("email", "letter", "social"):
        bank = phrases.FAST_WRITTEN if mood == "good" else phrases.SLOW_WRITTEN
        parts.append(rng.choice(bank).format(d=rng.randint(3, 21)))
    if mood != "good" and rng.random() < 0.6:
        parts.append(rng.choice(phrases.PASSED_AROUND).format(k=rng.choice(("deux", "trois"))))
    if mood == "good" or rng.random() < 0.3:
        parts.append(rng.choice(phrases.GOOD_ADVISOR))
    elif rng.random() < 0.5:
        parts.append(rng.choice(phrases.RUDE_ADVISOR))
    days = facts["resolution_days"] if facts["resolution_days"] else rng.randint(2, 30)
    parts.append(rng.choice(phrases.OUTCOME[solved]).format(d=days))
    parts.append(rng.choice(phrases.CLOSINGS[mood]))
    return rng.choice(phrases.TITLES[mood]), " ".join(p for p in parts if p)


def _pick_author(rng, accounts, shoppers, created, company, taken) -> int | None:
    """A shopper whose account existed then and who has no live review of this company."""
    for _ in range(40):
        index = rng.choice(shoppers)
        if accounts[index].row["created_at"] < created and (index, company) not in taken:
            return index
    return None


def build_reviews(rng, now: datetime, plans, accounts: list[Account], scale: float = 1.0):
    """Reviews over the last two years: mostly published, some held, rejected or withdrawn."""
    shoppers = [i for i, a in enumerate(accounts) if a.role == "shopper"]
    teams = {a.company_index: i for i, a in enumerate(accounts) if a.role == "representative"}
    moderator = next(i for i, a in enumerate(accounts) if a.role == "moderator")
    reply_rates = {c: rng.uniform(0.25, 0.95) for c in teams}
    popularity = [p.popularity for p in plans]
    published = round(PUBLISHED * scale)
    states = (
        ["published"] * published
        + ["pending"] * round(published * PENDING)
        + ["rejected"] * round(published * REJECTED)
        + ["withdrawn"] * round(published * WITHDRAWN)
        + ["removed"] * round(published * REMOVED)
    )
    taken: set[tuple[int, int]] = set()
    reviews: list[ReviewPlan] = []
    for status in states:
        company = rng.choices(range(len(plans)), popularity)[0]
        plan = plans[company]
        if status == "pending":  # held ones are recent: moderators decide within 7 days
            created = now - timedelta(hours=rng.uniform(1, MAX_WAIT_HOURS * 0.8))
        else:  # activity grows over time: recent days are busier
            created = now - timedelta(days=730 * rng.random() ** 1.3, minutes=rng.randint(0, 1439))
        author = _pick_author(rng, accounts, shoppers, created, company, taken)
        if author is None:
            continue
        taken.add((author, company))
        channels = [c["channel"] for c in plan.contacts]
        weights = [CHANNEL_WEIGHTS[c] * (3 if c == "phone" and plan.hidden_offshore else 1)
                   for c in channels]  # fmt: skip
        channel = rng.choices(channels, weights)[0]
        stars = _clip(rng.gauss(plan.quality, 1.1))
        solved = _solved(rng, stars)
        facts = _facts(rng, plan, channel, stars, solved)
        title, body = _text(rng, plan, channel, stars, solved, facts)
        experience = (created - timedelta(days=rng.randint(0, 20))).date()
        row = {
            "status": status,
            "status_reason": None,
            "origin": "spontaneous",
            "channel": channel,
            "experience_date": experience,
            "stars": stars,
            "solved": solved,
            "title": title,
            "body": body,
            "own_experience": True,
            "created_at": created,
            "published_at": None if status in ("pending", "rejected") else created,
            "updated_at": None,
            "closed_at": None,
            "solved_after_reply": None,
            **_criteria(rng, plan, stars),
            **facts,
            **_answered(plan, channel, stars, f"{plan.row['slug']}-{len(reviews)}-{author}"),
        }
        review = ReviewPlan(row=row, company=company, author=author)
        others = [i for i in shoppers[:50] if i != author]  # reporters are never the author
        _moderate(rng, now, review, moderator, others)
        if company in teams and status != "rejected":
            who = accounts[author].row["pseudonym"]
            _company_side(rng, now, review, teams[company], reply_rates[company], who)
        reviews.append(review)
    _leave_newest_unanswered(reviews, teams)
    return reviews


UNANSWERED = 3  # each represented company's newest published reviews await a reply


def _leave_newest_unanswered(reviews: list[ReviewPlan], teams: dict) -> None:
    """Replies come after the reviews: a company's newest ones still wait for theirs, as on a
    real dashboard (and a demo representative always has reviews to answer)."""
    for company in teams:
        published = [r for r in reviews if r.company == company and r.row["status"] == "published"]
        published.sort(key=lambda r: r.row["published_at"], reverse=True)
        for review in published[:UNANSWERED]:
            if review.reply is not None:
                review.reply = None
                review.row["solved_after_reply"] = None


def _decided(rng, now: datetime, since: datetime) -> datetime | None:
    """When a moderator decided an item that started waiting at `since`: within the charter's
    maximum, or None when that moment has not come yet (the item is still in the queue)."""
    decided = since + timedelta(hours=rng.uniform(2, MAX_WAIT_HOURS * 0.8))
    return decided if decided < now else None


def _report(rng, now, review: ReviewPlan, reporter: int, reason: str, at, **fields) -> None:
    """A report as rating.reviews.reports leaves it, closed by a moderator as
    rating.moderation.services does (dismissed: the review stays online)."""
    at = min(at, now - timedelta(minutes=5))
    decided = _decided(rng, now, at)
    review.reports.append(
        {
            "reporter": reporter,
            "kind": "authenticity" if reason == "fake" else "user",
            "reason": reason,
            "status": "open" if decided is None else "dismissed",
            "created_at": at,
            "decided_at": decided,
            **fields,
        }
    )


def _moderate(rng, now, review: ReviewPlan, moderator: int, shoppers: list[int]) -> None:
    """Decisions, signals and reports that explain each review's state."""
    row, created = review.row, review.row["created_at"]
    later = min(now, created + timedelta(hours=rng.uniform(2, MAX_WAIT_HOURS * 0.8)))
    if row["status"] == "pending":
        code = rng.choice(phrases.HOLD_SIGNALS)
        review.signal = {
            "code": code,
            "detail": "Signal automatique à la soumission.",
            "created_at": created,
        }
    elif row["status"] == "rejected":
        reason = rng.choice(phrases.REJECT_REASONS)
        row.update(status_reason=reason, closed_at=later)
        review.decision = {
            "decision": "reject",
            "reason": reason,
            "created_at": later,
            "moderator": moderator,
        }
    elif row["status"] == "withdrawn":
        row["closed_at"] = min(now, created + timedelta(days=rng.uniform(1, 60)))
    elif row["status"] == "removed":
        report_reason = rng.choice(list(phrases.REPORT_REASONS))
        reason = phrases.REPORT_REASONS[report_reason]
        reported = created + timedelta(hours=rng.uniform(1, 72))
        decided = min(now, reported + timedelta(hours=rng.uniform(2, MAX_WAIT_HOURS * 0.8)))
        row.update(status_reason=reason, closed_at=decided)
        review.reports.append(
            {
                "reporter": rng.choice(shoppers),
                "kind": "user",
                "reason": report_reason,
                "status": "upheld",
                "created_at": min(reported, decided),
                "decided_at": decided,
            }
        )
        review.decision = {
            "decision": "remove",
            "reason": reason,
            "created_at": decided,
            "moderator": moderator,
        }
    elif rng.random() < 0.02:  # an ordinary published review that someone reported
        at = created + timedelta(hours=rng.uniform(1, 24 * 60))
        _report(
            rng, now, review, rng.choice(shoppers), rng.choice(list(phrases.REPORT_REASONS)), at
        )


def _company_side(rng, now, review: ReviewPlan, team: int, reply_rate: float, who: str) -> None:
    """Invitations, replies and authenticity reports from the company's representative."""
    row = review.row
    if rng.random() < 0.12:
        sent = row["created_at"] - timedelta(days=rng.randint(1, 10))
        row["origin"] = "invited"
        review.invitation = {
            "created_by": team,
            "token_hash": hashlib.sha256(rng.randbytes(16)).hexdigest(),
            "reference": f"CMD-{rng.randint(100000, 999999)}",
            "created_at": sent,
            "expires_at": sent + timedelta(days=30),
            "used_at": row["created_at"],
        }
    if row["status"] != "published":
        return
    if rng.random() < reply_rate:
        replied = row["published_at"] + timedelta(hours=rng.lognormvariate(3, 1.2))
        if replied < now:
            bank = phrases.REPLIES_GOOD if row["stars"] >= 4 else phrases.REPLIES_BAD
            body = rng.choice(bank).format(who=who)
            review.reply = {"author": team, "body": body, "created_at": replied}
            if row["solved"] != "yes" and rng.random() < 0.5:
                row["solved_after_reply"] = rng.random() < 0.45
    if row["stars"] == 1 and not review.reports and rng.random() < 0.05:
        at = row["published_at"] + timedelta(hours=rng.uniform(1, 24 * 14))
        _report(rng, now, review, team, "fake", at, company=review.company)
