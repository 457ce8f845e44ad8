"""The injected attacks of the fraud benchmark, one function per kind (pure, seeded).

Each attack uses only the tell its kind is about: fake accounts are older than 24 h, come
from distinct networks and write varied texts unless the attack is precisely about that.
"""

from datetime import timedelta

from . import fraud_texts as texts
from .fraud_world import END, Builder, address, fresh_prefix


def _start(b: Builder, span: timedelta):
    """A moment in the attack period such that `span` after it is still in the history."""
    latest = END - span - timedelta(hours=1)
    return latest - timedelta(days=(90 - span.days - 1) * b.rng.random())


def _company(b: Builder) -> int:
    return b.rng.randrange(len(b.world.plans))


def _one(b: Builder, kind, campaign, company, at, *, prefix=None, stars=None, text=None, **kw):
    """One fake account (or insider) posting one review."""
    prefix = prefix or fresh_prefix(b.rng)
    author = b.sleeper(at, home=prefix, **kw)
    b.event(kind, campaign, author, company, at, address(b.rng, prefix), stars=stars, text=text)


def burst(b: Builder, campaign: int) -> None:
    """15–30 reviews of one company within a few hours (promotion, or a review bomb)."""
    rng, company = b.rng, _company(b)
    window = timedelta(hours=rng.uniform(2, 8))
    start, stars = _start(b, window), 5 if rng.random() < 0.7 else 1
    for _ in range(rng.randint(15, 30)):
        _one(b, "burst", campaign, company, start + window * rng.random(), stars=stars)


def network(b: Builder, campaign: int) -> None:
    """4–8 accounts on one /24 or /64 (an office, a click farm) review one company in days."""
    rng, company, prefix = b.rng, _company(b), fresh_prefix(b.rng)
    span = timedelta(days=rng.uniform(1, 20))
    start = _start(b, span)
    for _ in range(rng.randint(4, 8)):
        _one(b, "network", campaign, company, start + span * rng.random(), prefix=prefix, stars=5)


def ring(b: Builder, campaign: int) -> None:
    """4–6 accounts that each review the same 3–5 companies within three days."""
    rng = b.rng
    span = timedelta(hours=72)
    start = _start(b, span)
    companies = rng.sample(range(len(b.world.plans)), rng.randint(3, 5))
    for _ in range(rng.randint(4, 6)):
        prefix = fresh_prefix(rng)
        author = b.sleeper(start, home=prefix)
        for company in companies:
            at = start + span * rng.random()
            b.event("ring", campaign, author, company, at, address(rng, prefix), stars=5)


def near_duplicate(b: Builder, campaign: int) -> None:
    """3–6 lightly edited copies of one text, on one company or spread over several."""
    rng = b.rng
    span = timedelta(days=rng.uniform(0.5, 10))
    start, same = _start(b, span), rng.random() < 0.5
    company, stars = _company(b), 5 if rng.random() < 0.7 else 1
    plan = b.world.plans[company]
    base = texts.genuine_text(rng, plan.sector, plan.row["name"], "phone", stars, "yes")
    for copy in range(rng.randint(3, 6)):
        text = base if copy == 0 else texts.spin(rng, *base)
        target = company if same else _company(b)
        _one(b, "near_duplicate", campaign, target, start + span * rng.random(),
             stars=stars, text=text)  # fmt: skip


def incentive(b: Builder, campaign: int) -> None:
    """A review that says, in passing, that it was rewarded."""
    company = _company(b)
    plan = b.world.plans[company]
    text = texts.incentive_text(b.rng, plan.sector, plan.row["name"], "phone")
    _one(b, "incentive", campaign, company, _start(b, timedelta(0)), stars=5, text=text)


def insider(b: Builder, campaign: int) -> None:
    """Someone inside: a representative, an auditor, an employee, a former representative."""
    rng, company = b.rng, _company(b)
    plan = b.world.plans[company]
    kind = rng.choices(("representative", "domain", "auditor", "former"), (10, 10, 6, 4))[0]
    extra = {
        "representative": {"membership": (company, "active")},
        "auditor": {"audits": company},
        "domain": {"email": f"employe.{campaign}@{plan.row['website_domain']}"},
        "former": {"membership": (company, rng.choice(("left", "revoked")))},
    }[kind]
    _one(b, "insider", campaign, company, _start(b, timedelta(0)), stars=5, **extra)


def new_account(b: Builder, campaign: int) -> None:
    """An account made less than 24 hours before its review."""
    rng, company = b.rng, _company(b)
    at = _start(b, timedelta(0))
    prefix = fresh_prefix(rng)
    author = b.account(at - timedelta(hours=rng.uniform(0.3, 23)), home=prefix)
    b.event("new_account", campaign, author, company, at, address(rng, prefix),
            stars=rng.choice((1, 5)))  # fmt: skip


def _victim(b: Builder):
    """A genuine review of the attack period that an attacker has read on the site."""
    earliest, latest = END - timedelta(days=89), END - timedelta(days=4)
    found = [e for e in b.world.events if e.kind == "genuine" and earliest <= e.at <= latest]
    return b.rng.choice(found) if found else None


def _prefix(ip: str) -> str:
    """The /24 or /64 of an address made by `address`."""
    return ":".join(ip.split(":")[:4]) if ":" in ip else ip.rsplit(".", 1)[0]


def takedown(b: Builder, campaign: int) -> None:
    """Someone trying to unpublish a genuine review: copying it (as is or lightly edited) on
    any company, bursting its small company, or posting from its author's shared network."""
    rng = b.rng
    mode = rng.choice(("copy", "edit", "burst", "network"))
    victim = _victim(b)
    if victim is None:
        return
    if mode in ("copy", "edit"):
        for _ in range(rng.randint(1, 3)):
            text = (victim.title, victim.body)
            if mode == "edit":
                text = texts.spin(rng, *text)
            target = victim.company if rng.random() < 0.3 else _company(b)
            at = victim.at + timedelta(hours=rng.uniform(1, 72))
            _one(b, "takedown", campaign, target, at, stars=rng.choice((1, 5)), text=text)
    elif mode == "burst":
        for _ in range(rng.randint(6, 9)):
            at = victim.at + timedelta(hours=rng.uniform(0.2, 6))
            _one(b, "takedown", campaign, victim.company, at, stars=1)
    else:
        prefix = _prefix(victim.ip)
        for _ in range(rng.randint(2, 3)):
            at = victim.at + timedelta(hours=rng.uniform(1, 96))
            _one(b, "takedown", campaign, victim.company, at, prefix=prefix, stars=1)
