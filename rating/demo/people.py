"""Build the demo accounts: shoppers, staff, and the company teams that reply (pure)."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from .companies import CompanyPlan
from .names import FIRST_NAMES, slugify

SHOPPERS = 400
STAFF = (
    ("admin", "Admin_Observatoire", "admin@demo.observatoire.example"),
    ("moderator", "Moderation_Equipe", "moderation@demo.observatoire.example"),
    ("auditor", "Auditrice_Claire", "auditrice.claire@demo.observatoire.example"),
    ("auditor", "Auditeur_Hugo", "auditeur.hugo@demo.observatoire.example"),
)
PRINTED_REPRESENTATIVES = 3  # company accounts with a real password, printed once
# Other busy companies get a team account (no usable password) so that replies look real.
REPLYING_COMPANIES = 45


@dataclass
class Account:
    """A user to insert; `role` is a staff role, "representative" or "shopper"."""

    row: dict
    role: str = "shopper"
    company_index: int | None = None  # for representatives: index in the company plans
    printed: bool = False  # gets a real random password, shown once


def build_shoppers(rng, now: datetime, scale: float = 1.0) -> list[Account]:
    """Verified shoppers with pseudonyms such as "Camille_L", created over two years."""
    accounts, taken = [], set()
    for _ in range(max(10, round(SHOPPERS * scale))):
        base = f"{rng.choice(FIRST_NAMES)}_{rng.choice('ABCDEFGHJKLMNPRSTV')}"
        pseudonym, n = base, 1
        while pseudonym in taken:
            n += 1
            pseudonym = f"{base}{n}"
        taken.add(pseudonym)
        # More accounts are old than new: days ago skewed towards two years.
        created = now - timedelta(days=730 * rng.random() ** 0.6, minutes=rng.randint(0, 1439))
        row = {
            "pseudonym": pseudonym,
            "email": f"{slugify(pseudonym).replace('-', '.')}@membres.example",
            "created_at": created,
            "email_verified_at": created + timedelta(minutes=rng.randint(2, 600)),
        }
        accounts.append(Account(row=row))
    return accounts


def build_staff(rng, now: datetime, plans: list[CompanyPlan]) -> list[Account]:
    """Admin, moderator, two auditors, and representatives of the most reviewed companies."""
    old = now - timedelta(days=760)
    accounts = [
        Account(
            row={"pseudonym": pseudo, "email": email, "created_at": old, "email_verified_at": old},
            role=role,
            printed=True,
        )
        for role, pseudo, email in STAFF
    ]
    by_popularity = sorted(range(len(plans)), key=lambda i: -plans[i].popularity)
    printed, seen_sectors = [], set()
    for index in by_popularity:  # the three busiest companies of three different sectors
        if plans[index].sector not in seen_sectors and len(printed) < PRINTED_REPRESENTATIVES:
            printed.append(index)
            seen_sectors.add(plans[index].sector)
    teams = [i for i in by_popularity if i not in printed][:REPLYING_COMPANIES]
    for index in printed + teams:
        plan = plans[index]
        is_printed = index in printed
        local = "relation.client" if is_printed else "equipe.avis"
        accounts.append(
            Account(
                row={
                    "pseudonym": (f"Service client {plan.row['name']}")[:40],
                    "email": f"{local}@{plan.row['website_domain']}",
                    "created_at": old,
                    "email_verified_at": old,
                },
                role="representative",
                company_index=index,
                printed=is_printed,
            )
        )
    return accounts
