"""Demo audits: two published campaigns over several sectors (one corrected), one in progress.

Everything goes through the real services (draw, CSV import, four-eyes approval), so the
demo data obeys the same rules and `flask audit verify` passes on it.
"""

import random
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..db import utcnow
from ..models import AuditTest, Company
from . import decisions, services
from .testrows import CSV_COLUMNS, PARIS

SCENARIOS = (
    "Contester une facture",
    "Résilier un abonnement",
    "Signaler une panne",
    "Suivre un remboursement",
    "Changer d'offre",
    "Réclamation sur une livraison",
)
# Tests per channel: (low, high); 0 means the channel may be skipped for a company.
PLAN = {"phone": (10, 14), "email": (7, 11), "chat": (0, 8), "social": (0, 6)}


def _quarter(moment: datetime, back: int) -> tuple[str, datetime]:
    """Label and start (Paris time) of the quarter `back` quarters before `moment`'s."""
    index = moment.year * 4 + (moment.month - 1) // 3 - back
    year, quarter = divmod(index, 4)
    return f"{year}-T{quarter + 1}", datetime(year, quarter * 3 + 1, 1, tzinfo=PARIS)


def _test_row(rng: random.Random, slug: str, channel: str, quality: float, when: datetime) -> dict:
    """One plausible test: better companies answer more often, faster and better."""
    reached = rng.random() < 0.55 + 0.43 * quality
    values = {
        "company_slug": slug,
        "channel": channel,
        "scenario": rng.choice(SCENARIOS),
        "performed_at": when.strftime("%Y-%m-%dT%H:%M"),
        "reached": "oui" if reached else "non",
        "wait_seconds": "",
        "response_hours": "",
        "courtesy": "",
        "understanding": "",
        "accuracy": "",
        "notes": "",
    }
    slow = 1.6 - quality
    if channel in ("phone", "chat"):
        wait = int(rng.uniform(15, 260) * slow)
        values["wait_seconds"] = str(wait if reached else max(wait, 300))
    elif reached:
        top = 80 if channel == "email" else 30
        values["response_hours"] = f"{rng.uniform(0.3, top) * slow:.1f}"
    if reached:

        def mark(top):
            return str(min(top, max(0, round(rng.gauss(quality * top, 0.8)))))

        values.update(courtesy=mark(4), understanding=mark(4), accuracy=mark(2))
    return values


def _csv(rows: list[dict]) -> str:
    lines = [",".join(CSV_COLUMNS)]
    lines += [",".join(row.get(c, "") for c in CSV_COLUMNS) for row in rows]
    return "\n".join(lines) + "\n"


def _fill(session, rng, campaign, author, start: datetime, end: datetime, qualities, share=1.0):
    """Import generated tests for (a share of) the campaign's companies."""
    slugs = dict(
        session.execute(
            select(Company.id, Company.slug).where(
                Company.id.in_([cc.company_id for cc in campaign.companies])
            )
        ).all()
    )
    rows = []
    span = (end - start).total_seconds()
    for cc in sorted(campaign.companies, key=lambda c: c.draw_rank):
        if rng.random() > share:
            continue
        quality = qualities.setdefault(cc.company_id, rng.uniform(0.35, 0.97))
        for channel, (low, high) in PLAN.items():
            count = rng.randint(low, high)
            if low == 0 and count < 4 and rng.random() < 0.5:
                count = 0  # this company does not offer or was not tested on that channel
            for _ in range(count):
                when = start + timedelta(seconds=rng.uniform(0, span))
                rows.append(_test_row(rng, slugs[cc.company_id], channel, quality, when))
    if rows:
        services.import_tests(session, campaign, author, _csv(rows))


def _sector_ids(companies_by_sector) -> list[int]:
    ids = []
    for companies in companies_by_sector.values():
        companies = list(companies)
        if companies and companies[0].sector_id not in ids:
            ids.append(companies[0].sector_id)
    return ids


def load_audit_demo(session: Session, rng: random.Random, auditors, companies_by_sector) -> list:
    """Create the demo campaigns; `auditors` are ≥ 2 users with the auditor role."""
    author, reviewer = auditors[0], auditors[1]
    sectors = _sector_ids(companies_by_sector)
    now = utcnow().astimezone(PARIS)
    qualities: dict[int, float] = {}
    made = []
    for back, chosen in ((2, sectors[:4]), (1, sectors[1:5] or sectors)):
        period, start = _quarter(now, back)
        _, end = _quarter(now, back - 1)
        draft = services.CampaignDraft(
            period,
            "v1",
            chosen,
            4,
            [a.id for a in auditors[1:]],
            f"Accueil multicanal {period}",
            seed=f"{rng.getrandbits(48):012x}",
        )
        campaign = services.create_campaign(session, author, draft)
        _fill(session, rng, campaign, author, start, end - timedelta(hours=1), qualities)
        decisions.submit_campaign(session, campaign, author)
        decisions.approve_campaign(session, campaign, reviewer)
        made.append(campaign)
    # The latest campaign is corrected: a batch of tests entered twice is removed.
    corrected = made[-1]
    decisions.reopen_campaign(session, corrected, author)
    duplicates = session.scalars(
        select(AuditTest.id)
        .where(AuditTest.campaign_id == corrected.id)
        .order_by(AuditTest.id)
        .limit(5)
    ).all()
    for test_id in duplicates:
        services.delete_test(session, corrected, author, test_id)
    decisions.submit_campaign(session, corrected, author)
    decisions.approve_campaign(
        session, corrected, reviewer, "Cinq tests saisis deux fois ont été retirés."
    )
    period, start = _quarter(now, 0)
    draft = services.CampaignDraft(
        period,
        "v1",
        sectors[:3],
        3,
        [a.id for a in auditors[1:]],
        f"Accueil multicanal {period} (en cours)",
        seed=f"{rng.getrandbits(48):012x}",
    )
    in_progress = services.create_campaign(session, author, draft)
    _fill(
        session,
        rng,
        in_progress,
        author,
        max(start, now - timedelta(days=20)),
        now - timedelta(hours=2),
        qualities,
        share=0.6,
    )
    made.append(in_progress)
    return made
