"""The fraud benchmark's world (pure, seeded): companies, accounts, genuine reviews, attacks.

Every review is an Event: who posts what about which company, from which address, when.
Genuine reviews follow each company's popularity over the whole period; attacks are
injected in its last 90 days so that every company has a history to compare them with.
"""

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from rating.demo.companies import CompanyPlan, build_companies
from rating.demo.names import SECTORS

from . import fraud_texts as texts

END = datetime(2026, 6, 30, 21, 0, tzinfo=UTC)
ATTACK_DAYS = 90
CHANNELS = {"phone": 40, "email": 25, "chat": 12, "social": 8, "shop": 10, "letter": 5}
MOBILE_PREFIXES = 300  # carrier-grade NAT: many genuine customers share these /24s
# Campaigns of each attack at full size (scaled down with --attacks).
CAMPAIGNS = {
    "burst": 8,
    "network": 10,
    "ring": 6,
    "near_duplicate": 10,
    "incentive": 40,
    "insider": 30,
    "new_account": 40,
    "takedown": 12,
}
ATTACKS = tuple(CAMPAIGNS)


@dataclass
class Account:
    email: str
    created_at: datetime
    home: str  # "a.b.c" (an IPv4 /24) or an IPv6 /64 prefix "2a01:…:…:…"
    activity: float = 1.0
    membership: tuple[int, str] | None = None  # (company index, status) for insiders
    audits: int | None = None  # company index covered by a campaign this auditor runs


@dataclass
class Event:
    at: datetime
    kind: str  # "genuine" or one of ATTACKS
    campaign: int
    author: int
    company: int
    ip: str
    channel: str
    stars: int
    solved: str
    title: str
    body: str
    experience_days: int = 3  # days between the experience and the review


@dataclass
class World:
    seed: int
    start: datetime
    plans: list[CompanyPlan]
    accounts: list[Account] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)


def address(rng, prefix: str) -> str:
    """A host inside the /24 or /64 `prefix`."""
    if ":" in prefix:
        return prefix + ":" + ":".join(f"{rng.randrange(1, 65536):x}" for _ in range(4))
    return f"{prefix}.{rng.randint(2, 254)}"


def fresh_prefix(rng) -> str:
    if rng.random() < 0.3:
        return "2a01:" + ":".join(f"{rng.randrange(1, 65536):x}" for _ in range(3))
    first = rng.choice((78, 82, 86, 90, 92, 109, 176, 185, 212))
    return f"{first}.{rng.randrange(256)}.{rng.randrange(256)}"


def _stars(rng, plan: CompanyPlan) -> int:
    return max(1, min(5, round(rng.gauss(plan.quality, 1.1))))


def _solved(rng, stars: int) -> str:
    weights = {1: (15, 60, 25), 2: (15, 60, 25), 3: (50, 25, 25)}.get(stars, (80, 5, 15))
    return rng.choices(("yes", "no", "in_progress"), weights)[0]


class Builder:
    """Adds accounts and events to a world, with one random generator for everything."""

    def __init__(self, world: World, rng: random.Random):
        self.world, self.rng = world, rng
        self.mobile = [fresh_prefix(rng) for _ in range(MOBILE_PREFIXES)]
        self.taken: set[tuple[int, int]] = set()

    def account(self, created: datetime, *, home: str | None = None, email=None, **kw) -> int:
        index = len(self.world.accounts)
        email = email or f"membre{index}@courriel.example"
        home = home or fresh_prefix(self.rng)
        self.world.accounts.append(Account(email=email, created_at=created, home=home, **kw))
        return index

    def event(self, kind, campaign, author, company, at, ip, *, stars=None, text=None) -> None:
        rng, plan = self.rng, self.world.plans[company]
        channels = [c["channel"] for c in plan.contacts] or ["phone"]
        channel = rng.choices(channels, [CHANNELS[c] for c in channels])[0]
        stars = stars or _stars(rng, plan)
        solved = _solved(rng, stars)
        if text is None:
            text = (
                texts.short_text(rng)
                if rng.random() < 0.02
                else texts.genuine_text(rng, plan.sector, plan.row["name"], channel, stars, solved)
            )
        self.taken.add((author, company))
        self.world.events.append(
            Event(at, kind, campaign, author, company, ip, channel, stars, solved, *text,
                  experience_days=rng.randint(0, 20))
        )  # fmt: skip

    def attack_time(self) -> datetime:
        return END - timedelta(days=ATTACK_DAYS * self.rng.random(), hours=1)

    def sleeper(self, at: datetime, **kw) -> int:
        """A fake account made weeks or months before it is used (older than 24 h)."""
        return self.account(at - timedelta(days=self.rng.uniform(3, 300)), **kw)


def genuine(b: Builder, count: int) -> None:
    """Genuine reviews: accounts of all ages, each reviewing a few companies over time."""
    rng, world = b.rng, b.world
    days = (END - world.start).days
    for _ in range(max(20, count * 10 // 22)):
        created = END - timedelta(days=2 + (days + 500) * rng.random())
        b.account(created, activity=rng.lognormvariate(0, 1))
    people = list(range(len(world.accounts)))
    weights = [world.accounts[i].activity for i in people]
    popularity = [p.popularity for p in world.plans]
    for _ in range(count):
        hour = rng.choices(range(24), [1] * 7 + [4] * 16 + [2])[0]
        at = world.start + timedelta(
            days=rng.randrange(days), hours=hour, minutes=rng.random() * 60
        )
        company = rng.choices(range(len(world.plans)), popularity)[0]
        for _ in range(60):  # an account older than 24 h that has not reviewed it yet
            author = rng.choices(people, weights)[0]
            old_enough = world.accounts[author].created_at < at - timedelta(hours=25)
            if old_enough and (author, company) not in b.taken:
                break
        else:
            continue
        home = world.accounts[author].home
        ip = address(rng, home if rng.random() < 0.75 else rng.choice(b.mobile))
        b.event("genuine", 0, author, company, at, ip)


def new_world(seed: int, companies: int, days: int) -> Builder:
    """An empty history over `days` days with about `companies` companies of every sector."""
    rng = random.Random(seed)
    total = sum(count for _slug, _name, count, *_ in SECTORS)
    plans = build_companies(rng, END, companies / total)[:companies]
    return Builder(World(seed=seed, start=END - timedelta(days=days), plans=plans), rng)
