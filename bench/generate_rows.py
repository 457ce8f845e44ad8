"""Rows of the data-at-scale benchmark (bench/generate.py), as plain dicts, deterministic.

Reviews are spread over three years of submissions (the experience a few days before);
their texts, criteria and facts come from a pool of precomputed "profiles" per star level,
so that two million rows cost a few random draws each. One company gets BIG published
reviews (the load benchmark's heavy page), one exactly SMALL (its light page).
"""

import math
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from rating.models.review import CRITERIA
from rating.reviews.rules import REFUSAL_REASONS

BIG, SMALL = 50_000, 10
YEARS_DAYS = 3 * 365
PROFILES_PER_STAR = 400
CHANNELS = ("phone", "phone", "phone", "email", "email", "chat", "social", "shop", "letter")
# Share of each status among submitted reviews; the rest are published.
OTHER_STATUSES = (("pending", 0.02), ("rejected", 0.02), ("removed", 0.01), ("withdrawn", 0.02))
REPLY_SHARE = 0.35  # published reviews the company answered
SOLVED_SHARE = 0.6  # of those, authors who said whether the reply solved it
REPORT_SHARE = 0.004  # published reviews reported (a third by the company)
OPENINGS = (
    "J'ai contacté le service client",
    "Après plusieurs appels au service client",
    "Suite à un problème de facturation, j'ai écrit",
    "Pour une panne, j'ai joint l'assistance",
    "Au sujet d'une livraison en retard, j'ai appelé",
    "Pour résilier mon contrat, j'ai contacté",
)
MIDDLES = {
    1: ("personne n'a su répondre", "on m'a raccroché au nez", "aucun suivi malgré mes relances"),
    2: ("l'attente a été très longue", "on m'a renvoyé d'un service à l'autre"),
    3: ("la réponse est arrivée mais tardivement", "le conseiller était poli mais peu informé"),
    4: ("le conseiller a été efficace", "le problème a été réglé en deux échanges"),
    5: ("tout a été réglé dès le premier appel", "un conseiller aimable et compétent"),
}
ENDINGS = (
    "Je ne recommande pas.",
    "À améliorer.",
    "Correct dans l'ensemble.",
    "Je suis satisfait.",
    "Service client exemplaire.",
)
TITLES = {1: "Très déçu", 2: "Peut mieux faire", 3: "Moyen", 4: "Bon service", 5: "Excellent"}
REFUSED = ("rejected", "removed")
REPLY_TEXT = "Bonjour, merci pour votre retour. Nous revenons vers vous rapidement."


@dataclass(frozen=True)
class Profile:
    """Text, criteria and facts shared by many generated reviews of the same star level."""

    title: str
    body: str
    criteria: tuple
    facts: tuple  # hold_minutes, contacts_count, resolution_days, human_reached, phone_cost
    channel: str
    solved: str


def _maybe(rng: random.Random, value, share: float = 0.75):
    return value if rng.random() < share else None


def make_profiles(rng: random.Random) -> dict[int, list[Profile]]:
    profiles = {}
    for stars in range(1, 6):
        pool = []
        for n in range(PROFILES_PER_STAR):
            body = (
                f"{rng.choice(OPENINGS)} et {rng.choice(MIDDLES[stars])}. "
                f"{ENDINGS[stars - 1]} Référence {n}."
            )
            criteria = tuple(
                _maybe(rng, min(5, max(1, stars + rng.randint(-1, 1)))) for _ in CRITERIA
            )
            slow = 6 - stars
            facts = (
                _maybe(rng, int(rng.lognormvariate(0, 0.7) * (1 + slow * 4))),
                _maybe(rng, 1 + int(rng.expovariate(1 / max(0.3, slow - 0.5)))),
                _maybe(rng, int(rng.expovariate(1 / (1 + slow * 6))), 0.5),
                _maybe(rng, rng.random() < stars / 5.5, 0.6),
                _maybe(rng, "surcharged" if rng.random() < 0.15 else "free", 0.4),
            )
            solved = "yes" if stars >= 4 else rng.choice(("no", "in_progress", "yes"))
            pool.append(Profile(TITLES[stars], body, criteria, facts, rng.choice(CHANNELS), solved))
        profiles[stars] = pool
    return profiles


def review_counts(rng: random.Random, companies: int, reviews: int) -> list[int]:
    """Published-or-not reviews per company (index 0 = the big one, 1 = the small one)."""
    big = min(BIG, reviews // 4)
    rest = reviews - big - SMALL
    weights = [rng.lognormvariate(0, 1.3) for _ in range(companies - 2)]
    total = sum(weights)
    counts = [math.floor(rest * w / total) for w in weights]
    for i in range(rest - sum(counts)):  # hand out the rounding remainder
        counts[i % len(counts)] += 1
    return [big, SMALL, *counts]


def author_stride(users: int) -> int:
    """A step coprime with `users`: a company's authors are then all different."""
    stride = users // 2 + 1
    while math.gcd(stride, users) != 1:
        stride += 1
    return stride


REVIEW_COLUMNS = (
    "id company_id author_id status status_reason origin channel experience_date stars solved "
    "title body own_experience " + " ".join(CRITERIA) + " hold_minutes contacts_count "
    "resolution_days human_reached phone_cost solved_after_reply created_at published_at "
    "closed_at"
).split()
REPLY_COLUMNS = ("id", "review_id", "company_id", "author_id", "body", "created_at")
REPORT_COLUMNS = tuple(
    "id review_id reporter_id company_id kind reason comment status created_at".split()
)
MINUTES = YEARS_DAYS * 24 * 60
STARS = (1, 1, 2, 3, 4, 4, 5, 5, 5)
REASONS = tuple(REFUSAL_REASONS)


@dataclass
class Generated:
    """Counters filled while streaming the rows; replies and reports wait here for their turn."""

    reviews: int = 0
    published: int = 0
    replies: list = field(default_factory=list)
    reports: list = field(default_factory=list)


def _status(rng: random.Random) -> str:
    roll = rng.random()
    for name, share in OTHER_STATUSES:
        if roll < share:
            return name
        roll -= share
    return "published"


class Clock:
    """Minutes since `start` as the text the databases store (fast: two table lookups).

    SQLite gets what SQLAlchemy writes for UTC datetimes; PostgreSQL the same with "+00".
    """

    def __init__(self, now: datetime, postgres: bool):
        self.start = (now - timedelta(days=YEARS_DAYS + 60)).replace(
            hour=0, minute=0, second=0, microsecond=0
        )
        self.now = int((now - self.start).total_seconds() // 60)
        first = self.start.date()
        self.days = [(first + timedelta(days=n)).isoformat() for n in range(YEARS_DAYS + 800)]
        suffix = "+00" if postgres else ""
        self.times = [f" {m // 60:02d}:{m % 60:02d}:00.000000{suffix}" for m in range(1440)]

    def stamp(self, minute: int) -> str:
        return self.days[minute // 1440] + self.times[minute % 1440]

    def day(self, minute: int) -> str:
        return self.days[minute // 1440]


def reviews_of(
    rng: random.Random,
    company_id: int,
    count: int,
    *,
    special: bool,
    clock: Clock,
    users: int,
    rep_id: int,
    profiles: dict[int, list[Profile]],
    done: Generated,
) -> Iterator[tuple]:
    """The review rows (REVIEW_COLUMNS order) of one company; special ones all published.

    Its replies and reports are appended to `done`. Times are UTC, in minutes of `clock`.
    """
    stride, start = author_stride(users), rng.randrange(users)
    random_, stamp, now = rng.random, clock.stamp, clock.now
    for j in range(count):
        created = now - int(random_() * MINUTES)
        stars = STARS[int(random_() * 9)]
        p = profiles[stars][int(random_() * PROFILES_PER_STAR)]
        status = "published" if special else _status(rng)
        reason = REASONS[int(random_() * len(REASONS))] if status in REFUSED else None
        if status == "pending":
            created = now - int(random_() * 7 * 24 * 60)
        published = created + 1 + int(random_() * 90)
        review_id = done.reviews + 1
        done.reviews = review_id
        solved_after = None
        if status == "published":
            done.published += 1
            if random_() < REPLY_SHARE:
                delay = int(rng.lognormvariate(6.5, 1.4))  # minutes, median ~11 h
                reply_id = len(done.replies) + 1
                reply = (
                    reply_id,
                    review_id,
                    company_id,
                    rep_id,
                    REPLY_TEXT,
                    stamp(published + delay),
                )
                done.replies.append(reply)
                if random_() < SOLVED_SHARE:
                    solved_after = random_() < 0.5
            if random_() < REPORT_SHARE:
                by_rep = random_() < 0.3
                done.reports.append(
                    (
                        len(done.reports) + 1,
                        review_id,
                        rep_id,
                        company_id if by_rep else None,
                        "authenticity" if by_rep else "user",
                        "fake" if by_rep else "spam",
                        "",
                        "open" if random_() < 0.5 else "dismissed",
                        stamp(published + 1440),
                    )
                )
        shown = stamp(published)
        yield (
            review_id,
            company_id,
            (start + j * stride) % users + 1,
            status,
            reason,
            "spontaneous",
            p.channel,
            clock.day(created - int(random_() * 30) * 1440),
            stars,
            p.solved,
            p.title,
            p.body,
            True,
            *p.criteria,
            *p.facts[:4],
            p.facts[4] if p.channel == "phone" else None,
            solved_after,
            stamp(created),
            shown if status in ("published", "removed") else None,
            shown if status in REFUSED or status == "withdrawn" else None,
        )
