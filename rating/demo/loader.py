"""Insert the demo world in bulk, in one transaction; features add their own steps.

The world is built in memory first (pure and deterministic: a fixed seed and today's date),
then written with Core `insert(table)` executemany, a few statements per table.
"""

import json
import random
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from ..models import (
    Company,
    CompanyDeclaration,
    ContactCentre,
    ContactPoint,
    Invitation,
    Membership,
    ModerationDecision,
    Reply,
    Report,
    Review,
    ReviewRevision,
    ReviewSignal,
    Sector,
    User,
    UserRole,
)
from .activity import ReviewPlan, build_reviews
from .companies import CompanyPlan, build_companies
from .names import SECTORS
from .people import Account, build_shoppers, build_staff

SEED = 20261123
SNAPSHOT_FIELDS = ("stars", "title", "body", "channel", "solved", "experience_date")


@dataclass
class DemoWorld:
    """What was generated and, once loaded, the database ids of companies and accounts."""

    seed: int
    now: datetime
    plans: list[CompanyPlan]
    accounts: list[Account]
    reviews: list[ReviewPlan]
    sector_ids: dict[str, int] = field(default_factory=dict)
    company_ids: list[int] = field(default_factory=list)
    user_ids: list[int] = field(default_factory=list)
    credentials: list[tuple[str, str, str]] = field(default_factory=list)  # email, role, password

    def rng_for(self, step: str) -> random.Random:
        """A generator of its own for each extra step, so steps never shift each other's data."""
        return random.Random(f"{self.seed}-{step}")

    def ids_with_role(self, role: str) -> list[int]:
        return [self.user_ids[i] for i, a in enumerate(self.accounts) if a.role == role]


# Other features (audit campaigns, score aggregates…) register a step: step(session, world).
DemoStep = Callable[[Session, DemoWorld], None]
_extra_steps: list[DemoStep] = []


def register_step(step: DemoStep) -> DemoStep:
    """Run `step` after the core world is inserted, before the single commit."""
    if step not in _extra_steps:
        _extra_steps.append(step)
    return step


def build_world(seed: int = SEED, scale: float = 1.0, now: datetime | None = None) -> DemoWorld:
    """The whole demo world in memory; same seed, scale and day give the same data."""
    now = now or datetime.now(UTC).replace(hour=12, minute=0, second=0, microsecond=0)
    rng = random.Random(seed)
    plans = build_companies(rng, now, scale)
    accounts = build_shoppers(rng, now, scale) + build_staff(rng, now, plans)
    reviews = build_reviews(rng, now, plans, accounts, scale)
    return DemoWorld(seed=seed, now=now, plans=plans, accounts=accounts, reviews=reviews)


def demo_loaded(session: Session) -> bool:
    return bool(session.scalar(select(func.count()).select_from(Company)))


def _insert(session: Session, model, rows: list[dict]) -> list[int]:
    """Bulk insert returning the new ids in the order of `rows`."""
    if not rows:
        return []
    table = model.__table__
    stmt = insert(table).returning(table.c.id, sort_by_parameter_order=True)
    return list(session.scalars(stmt, rows))


def _insert_many(session: Session, model, rows: list[dict]) -> None:
    """Bulk insert through Core: one executemany, where the ORM path would split the rows
    into many small batches whenever their NULL columns differ."""
    if rows:
        session.execute(insert(model.__table__), rows)


def _password_hash(password: str) -> str:
    user = User()  # never added to the session: only its hashing policy is used
    user.set_password(password)
    return user.password_hash


def _load_companies(session: Session, world: DemoWorld) -> None:
    sector_rows = [{"slug": slug, "name": name} for slug, name, *_ in SECTORS]
    world.sector_ids = dict(
        zip((r["slug"] for r in sector_rows), _insert(session, Sector, sector_rows), strict=True)
    )
    rows = [{**p.row, "sector_id": world.sector_ids[p.sector]} for p in world.plans]
    world.company_ids = _insert(session, Company, rows)
    contacts, centres = [], []
    for plan, company_id in zip(world.plans, world.company_ids, strict=True):
        contacts += [{**c, "company_id": company_id} for c in plan.contacts]
        centres += [{**c, "company_id": company_id} for c in plan.centres]
    _insert_many(session, ContactPoint, contacts)
    _insert_many(session, ContactCentre, centres)


def _load_accounts(session: Session, world: DemoWorld) -> None:
    # argon2 costs ~130 ms: shoppers share one hash of a secret nobody keeps (no one can log
    # in as them); only the printed staff accounts get a real password each.
    unusable = _password_hash(secrets.token_urlsafe(32))
    rows = []
    for account in world.accounts:
        row = {**account.row, "password_changed_at": account.row["created_at"]}
        row["password_hash"] = unusable
        if account.printed:
            password = secrets.token_urlsafe(12)
            row["password_hash"] = _password_hash(password)
            world.credentials.append((row["email"], account.role, password))
        rows.append(row)
    world.user_ids = _insert(session, User, rows)
    roles, members, declarations = [], [], []
    for account, user_id in zip(world.accounts, world.user_ids, strict=True):
        created = account.row["created_at"]
        if account.role in ("admin", "moderator", "auditor"):
            roles.append({"user_id": user_id, "role": account.role, "granted_at": created})
        if account.role == "representative":
            company_id = world.company_ids[account.company_index]
            members.append(
                {
                    "user_id": user_id,
                    "company_id": company_id,
                    "status": "active",
                    "method": "domain",
                    "created_at": created,
                    "decided_at": created,
                }
            )
            if account.printed:
                plan = world.plans[account.company_index]
                declarations += [
                    {
                        "company_id": company_id,
                        "user_id": user_id,
                        "field": name,
                        "old_value": "",
                        "new_value": value,
                        "created_at": plan.row["declared_at"],
                    }
                    for name, value in (
                        ("description", plan.row["description"]),
                        ("mediator_name", plan.row["mediator_name"] or ""),
                    )
                ]
    _insert_many(session, UserRole, roles)
    _insert_many(session, Membership, members)
    _insert_many(session, CompanyDeclaration, declarations)


def _snapshot(row: dict) -> str:
    content = {name: row[name] for name in SNAPSHOT_FIELDS}
    content["experience_date"] = row["experience_date"].isoformat()
    return json.dumps(content, ensure_ascii=False, sort_keys=True)


def _load_reviews(session: Session, world: DemoWorld) -> None:
    users, companies = world.user_ids, world.company_ids
    invited = [r for r in world.reviews if r.invitation]
    invitation_ids = _insert(
        session,
        Invitation,
        [
            {
                **{k: v for k, v in r.invitation.items() if k != "created_by"},
                "company_id": companies[r.company],
                "created_by_id": users[r.invitation["created_by"]],
            }
            for r in invited
        ],
    )
    invitation_of = {id(r): i for r, i in zip(invited, invitation_ids, strict=True)}
    rows = [
        {
            **r.row,
            "company_id": companies[r.company],
            "author_id": users[r.author],
            "invitation_id": invitation_of.get(id(r)),
        }
        for r in world.reviews
    ]
    review_ids = _insert(session, Review, rows)
    revisions, replies, decisions, signals, reports, refusals = [], [], [], [], [], []
    for review, review_id in zip(world.reviews, review_ids, strict=True):
        row = review.row
        first = "pending" if row["status"] in ("pending", "rejected") else "published"
        revisions.append(
            {
                "review_id": review_id,
                "action": "created",
                "actor_id": users[review.author],
                "status": first,
                "snapshot": _snapshot(row),
                "created_at": row["created_at"],
            }
        )
        if row["status"] not in ("pending", "published"):
            revisions.append(
                {
                    "review_id": review_id,
                    "action": row["status"],
                    "actor_id": None,
                    "status": row["status"],
                    "snapshot": _snapshot(row),
                    "created_at": row["closed_at"],
                }
            )
        if review.reply:
            replies.append(
                {
                    "review_id": review_id,
                    "company_id": companies[review.company],
                    "author_id": users[review.reply["author"]],
                    "body": review.reply["body"],
                    "created_at": review.reply["created_at"],
                }
            )
        if review.decision:
            d = review.decision
            decisions.append(
                {
                    "review_id": review_id,
                    "report_id": None,  # executemany takes its columns from the first row
                    "moderator_id": users[d["moderator"]],
                    "decision": d["decision"],
                    "reason": d["reason"],
                    "created_at": d["created_at"],
                }
            )
        if review.signal:
            signals.append({"review_id": review_id, **review.signal})
        for report in review.reports:
            refusals.append(row["status_reason"])
            company = report.get("company")
            reports.append(
                {
                    "review_id": review_id,
                    "reporter_id": users[report["reporter"]],
                    "company_id": None if company is None else companies[company],
                    **{
                        k: report[k]
                        for k in ("kind", "reason", "status", "created_at", "decided_at")
                    },
                }
            )
    report_ids = _insert(session, Report, reports)
    moderator = world.ids_with_role("moderator")[0]
    decisions += [
        _report_decision(report, report_id, moderator, refusal)
        for report, report_id, refusal in zip(reports, report_ids, refusals, strict=True)
        if report["status"] != "open"
    ]
    for model, batch in (
        (ReviewRevision, revisions),
        (Reply, replies),
        (ModerationDecision, decisions),
        (ReviewSignal, signals),
    ):
        _insert_many(session, model, batch)


def _report_decision(report: dict, report_id: int, moderator_id: int, refusal) -> dict:
    """The decision row rating.moderation.services writes when it closes a report."""
    upheld = report["status"] == "upheld"
    return {
        "review_id": report["review_id"],
        "report_id": report_id,
        "moderator_id": moderator_id,
        "decision": "uphold_report" if upheld else "dismiss_report",
        "reason": refusal if upheld else None,
        "created_at": report["decided_at"],
    }


def load(session: Session, world: DemoWorld) -> DemoWorld:
    """Insert the world, run the registered steps, commit once."""
    _load_companies(session, world)
    _load_accounts(session, world)
    _load_reviews(session, world)
    for step in _extra_steps:
        step(session, world)
    session.commit()
    return world
