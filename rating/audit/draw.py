"""The random draw of a campaign's companies, reproducible by anyone from its seed (pure).

Algorithm (also stated on /methodology):
1. take the campaign's sectors in alphabetical order of their slug;
2. for each sector, list the slugs of its companies in alphabetical order;
3. seed Python's `random.Random` with the text "<seed>:<sector slug>";
4. draw `min(n, number of companies)` of them with `rng.sample(slugs, k)`;
the rank of a company is its position in this sequence, from 1.
"""

import random
import secrets


def new_seed() -> str:
    """A fresh seed, recorded with the campaign and shown to everyone."""
    return secrets.token_hex(8)


def draw(
    seed: str, slugs_by_sector: dict[str, list[str]], per_sector: int
) -> list[tuple[str, str]]:
    """(sector slug, company slug) pairs drawn at random within each sector, in rank order."""
    drawn = []
    for sector in sorted(slugs_by_sector):
        candidates = sorted(slugs_by_sector[sector])
        # One generator per sector, so a sector's draw does not depend on the other sectors.
        rng = random.Random(f"{seed}:{sector}")  # noqa: S311 - public, reproducible by design
        for company in rng.sample(candidates, min(per_sector, len(candidates))):
            drawn.append((sector, company))
    return drawn


def draw_record(seed: str, slugs_by_sector: dict[str, list[str]], per_sector: int) -> dict:
    """The draw as published and hashed: seed, size per sector, every sector's candidates
    (frozen now, so later imports, merges or closures cannot make it unrepeatable), drawn."""
    return {
        "seed": seed,
        "per_sector": per_sector,
        "candidates": {sector: sorted(slugs) for sector, slugs in slugs_by_sector.items()},
        "drawn": [list(pair) for pair in draw(seed, slugs_by_sector, per_sector)],
    }


def redraw_problem(record: dict) -> str | None:
    """Why the recorded draw is not what its seed gives from its candidates (None: it is)."""
    again = draw(record["seed"], record["candidates"], record["per_sector"])
    if [list(pair) for pair in again] != record["drawn"]:
        return "le tirage refait à partir de la graine et des candidates diffère du tirage publié"
    return None
