"""Build the demo companies with their contact points and declared contact centres (pure)."""

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from .names import (
    CENTRES_ABROAD,
    CENTRES_FRANCE,
    COUNTRY_CODES,
    ENDINGS,
    LEGAL_FORMS,
    PATTERNS,
    PUBLIC_FORMS,
    REGION_WEIGHTS,
    REGIONS,
    SECTORS,
    STEMS,
    luhn_siren,
    slugify,
)

# (hours, open after 19 h, Saturday, Sunday): evenings and weekends matter to users.
SCHEDULES = (
    ("Du lundi au vendredi, de 9 h à 18 h", False, False, False),
    ("Du lundi au vendredi, de 9 h à 17 h 30", False, False, False),
    ("Du lundi au vendredi, de 10 h à 19 h", False, False, False),
    ("Du mardi au samedi, de 9 h 30 à 19 h", False, True, False),
    ("Du lundi au vendredi de 8 h à 20 h, le samedi de 9 h à 17 h", True, True, False),
    ("Du lundi au samedi, de 8 h à 21 h", True, True, False),
    ("7 j/7, de 8 h à 22 h", True, True, True),
    ("24 h/24, 7 j/7", True, True, True),
)
# Geographic blocks that ARCEP reserves for fiction, so no demo number rings a real line.
FICTION_BLOCKS = ("01 99 00", "02 61 91", "03 53 01", "04 65 71", "05 36 49")
# Sectors whose hotlines are more often premium-rate, and sectors with shops or agencies.
PREMIUM_PRONE = {"transport-aerien", "voyage", "e-commerce", "livraison", "automobile"}
WITH_SHOPS = {"banque", "telecoms", "grande-distribution", "automobile", "assurance"}
# Sectors whose customers rate them lower on average (a hidden bias of the demo world).
HARSH_SECTORS = {"telecoms": -0.5, "energie": -0.3, "livraison": -0.4, "transport-aerien": -0.3}


@dataclass
class CompanyPlan:
    """One company to insert, with its hidden traits used to generate consistent reviews."""

    row: dict
    sector: str
    contacts: list[dict] = field(default_factory=list)
    centres: list[dict] = field(default_factory=list)
    quality: float = 3.0  # hidden mean of its stars
    reception_bias: float = 0.0  # reception rated better (or worse) than after-sales
    popularity: float = 1.0  # relative number of reviews it receives
    phone_cost: str | None = None
    # Where its calls are really answered (hidden): the share answered abroad, and where.
    abroad_share: float = 0.0
    abroad_countries: tuple[str, ...] = ()
    # Says "France" but has calls answered abroad: such companies push customers to the phone.
    hidden_offshore: bool = False


def _brand(rng, used: set[str]) -> str:
    while True:
        brand = rng.choice(STEMS) + rng.choice(ENDINGS)
        if brand not in used:
            used.add(brand)
            return brand


def _pairs(rng) -> str:
    return " ".join(f"{rng.randint(0, 99):02d}" for _ in range(2))


def phone_number(rng, cost: str) -> str:
    """A number in the French format matching its cost: 0 800 free, 0 89x premium."""
    if cost == "free":
        return f"0 80{rng.randint(0, 5)} {rng.randint(10, 99)} {_pairs(rng)}"
    if cost == "premium":
        return f"0 89{rng.choice('1279')} {rng.randint(10, 99)} {_pairs(rng)}"
    return f"{rng.choice(FICTION_BLOCKS)} {_pairs(rng)}"


def _contacts(rng, plan: CompanyPlan, brand: str, domain: str, city: str, when) -> list[dict]:
    """Between 1 and 5 contact points, phone first when there is one."""
    sector = plan.sector
    channels = []
    if sector != "e-commerce" or rng.random() < 0.5:
        channels.append("phone")
    channels.append("email")
    extra = ["chat", "social", "letter"] + (["shop"] if sector in WITH_SHOPS else [])
    rng.shuffle(extra)
    channels += extra[: rng.randint(0, 3)]
    points = []
    for position, channel in enumerate(channels[:5]):
        hours, evenings, saturday, sunday = rng.choice(SCHEDULES)
        point = {
            "position": position,
            "channel": channel,
            "hours": hours,
            "open_evenings": evenings,
            "open_saturday": saturday,
            "open_sunday": sunday,
            "phone_cost": None,
            "declared_at": when,
        }
        if channel == "phone":
            premium = 0.45 if sector in PREMIUM_PRONE else 0.12
            cost = rng.choices(("free", "standard", "premium"), (0.35, 0.65 - premium, premium))[0]
            plan.phone_cost = cost
            point.update(label="Service clients", value=phone_number(rng, cost), phone_cost=cost)
        elif channel == "email":
            point.update(
                label="Formulaire de contact",
                value=f"https://www.{domain}/contact",
                hours=f"Réponse annoncée sous {rng.choice((24, 48, 72))} h ouvrées",
                open_evenings=False,
                open_saturday=False,
                open_sunday=False,
            )
        elif channel == "chat":
            point.update(label="Conseiller en direct", value=f"https://www.{domain}/aide")
        elif channel == "social":
            point.update(label="Compte d'aide sur les réseaux sociaux", value=f"@{brand}_Aide")
        elif channel == "shop":
            point.update(label="Réseau d'agences", value=f"https://www.{domain}/agences")
        else:
            tsa = rng.randint(10000, 99999)
            point.update(
                label="Courrier (réclamations)",
                value=f"Service clients {brand}, TSA {tsa}, {city} Cedex",
                hours="",
                open_evenings=False,
                open_saturday=False,
                open_sunday=False,
            )
        points.append(point)
    return points


def _centres(rng, when) -> list[dict]:
    """Some companies declare where their contact centres are (and in which languages)."""
    if rng.random() > 0.45:
        return []
    count = rng.randint(1, 3)
    places = rng.sample(CENTRES_FRANCE, count)
    if rng.random() < 0.4:
        places[-1] = rng.choice(CENTRES_ABROAD)
    return [
        {"city": city, "country": country, "languages": languages, "declared_at": when}
        for city, country, languages in dict.fromkeys(places)
    ]


def _answering(plan: CompanyPlan) -> None:
    """Where the company's calls are really answered, against what it declares: most as
    declared, a few declaring French centres only while many calls go abroad (the company
    page's divergence notice), the rest without a declaration anywhere in between.

    Its own random stream (by slug), so that the rest of the demo does not move with it.
    """
    rng = random.Random(f"answering-{plan.row['slug']}")
    declared = [COUNTRY_CODES[c["country"]] for c in plan.centres if c["country"] != "France"]
    if declared:
        plan.abroad_share, plan.abroad_countries = rng.uniform(0.3, 0.7), tuple(declared)
        return
    plan.abroad_countries = tuple(rng.sample(sorted(COUNTRY_CODES.values()), 2))
    if plan.centres:  # French centres only: true for most, not for a few popular ones
        plan.hidden_offshore = rng.random() < (0.8 if plan.popularity > 2.5 else 0.1)
        plan.abroad_share = (
            rng.uniform(0.55, 0.8) if plan.hidden_offshore else rng.uniform(0.0, 0.06)
        )
    else:
        plan.abroad_share = rng.choice((0.0, 0.05, 0.3, 0.6))


def build_companies(rng, now: datetime, scale: float = 1.0) -> list[CompanyPlan]:
    """Every demo company, sector by sector, in a fixed order (same seed, same world)."""
    plans: list[CompanyPlan] = []
    brands: set[str] = set()
    sirens: set[str] = set()
    slugs: set[str] = set()
    for sector, _label, count, activity, mediator_stem in SECTORS:
        mediators = (
            (f"Médiateur indépendant {mediator_stem}", f"mediateur-{sector}"),
            (f"Médiation {_brand(rng, brands)} {mediator_stem}", f"mediation-{sector}-conso"),
        )
        for _ in range(max(1, round(count * scale))):
            brand = _brand(rng, brands)
            region, adjective, cities = rng.choices(REGIONS, REGION_WEIGHTS)[0]
            city = rng.choice(cities)
            name = rng.choice(PATTERNS[sector]).format(b=brand, r=adjective, c=city)
            slug = slugify(name)
            if slug in slugs:  # "Régie des eaux de Lyon" twice: tell them apart by brand
                name, slug = f"{name} ({brand})", slugify(f"{name} {brand}")
            slugs.add(slug)
            siren = luhn_siren(rng)
            while siren in sirens:
                siren = luhn_siren(rng)
            sirens.add(siren)
            public = sector == "services-publics"
            form = rng.choice(PUBLIC_FORMS if public else LEGAL_FORMS)
            legal = f"{name} ({form})" if public else f"{brand.upper()} {form}"
            aliases = [brand] if brand != name else []
            initials = "".join(w[0] for w in name.split() if w[0].isupper())
            if len(initials) >= 2 and rng.random() < 0.4:
                aliases.append(initials)
            domain = f"{slug}.example"
            founded = rng.randint(1921, 2019)
            clients = rng.choice(("12 000", "85 000", "300 000", "1,2 million", "4 millions"))
            mediator_name, mediator_slug = rng.choice(mediators)
            declared = now - timedelta(days=rng.randint(20, 540), minutes=rng.randint(0, 1439))
            plan = CompanyPlan(
                row={
                    "slug": slug,
                    "name": name,
                    "legal_name": legal,
                    "aliases": "\n".join(aliases),
                    "siren": siren,
                    "city": city,
                    "region": region,
                    "website_domain": domain,
                    "description": (
                        f"{name} est {activity} dont le siège est à {city}. L'entreprise, "
                        f"fondée en {founded}, indique compter {clients} "
                        f"{'usagers' if public else 'clients'} en France."
                    ),
                    "mediator_name": None if rng.random() < 0.05 else mediator_name,
                    "mediator_url": f"https://www.{mediator_slug}.example",
                    "created_at": now - timedelta(days=800),
                    "updated_at": declared,
                    "declared_at": declared,
                },
                sector=sector,
                quality=min(4.7, max(1.3, rng.gauss(3.2, 0.8) + HARSH_SECTORS.get(sector, 0))),
                reception_bias=rng.uniform(-0.5, 0.7),
                popularity=rng.lognormvariate(0, 0.9),
            )
            if plan.row["mediator_name"] is None:
                plan.row["mediator_url"] = None
            plan.contacts = _contacts(rng, plan, brand, domain, city, declared)
            plan.centres = _centres(rng, declared)
            _answering(plan)
            plans.append(plan)
    return plans
