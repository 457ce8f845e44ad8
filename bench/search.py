"""Search benchmark: 100,000 generated companies, Whoosh (our engine) vs SQLite FTS5.

Run by hand (not part of the test suite):

    .venv/bin/python -m bench.search                      # 100,000 companies, writes BENCHMARKS.md
    .venv/bin/python -m bench.search --companies 2000 --no-write

Prints build time, index size and p50/p95/max per query kind for both engines, and
rewrites the "## Search" section of BENCHMARKS.md.
"""

import argparse
import os
import platform
import random
import re
import sqlite3
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import insert

from rating import create_app
from rating.db import Base, make_engine
from rating.models import Company, Sector
from rating.search.analysis import fold
from rating.search.api import get_store, search_companies
from rating.search.outbox import rebuild
from rating.search.query import run_autocomplete

ROOT = Path(__file__).resolve().parent.parent
SECTORS = [
    ("banque", "Banque"),
    ("assurance", "Assurance"),
    ("telecoms", "Télécoms"),
    ("energie", "Énergie"),
    ("transport", "Transport"),
    ("distribution", "Distribution"),
    ("ecommerce", "E-commerce"),
    ("automobile", "Automobile"),
    ("sante", "Santé"),
    ("immobilier", "Immobilier"),
    ("voyage", "Voyage"),
    ("eau", "Eau et assainissement"),
]
CITIES = [
    ("Paris", "Île-de-France"),
    ("Lyon", "Auvergne-Rhône-Alpes"),
    ("Marseille", "Provence-Alpes-Côte d'Azur"),
    ("Toulouse", "Occitanie"),
    ("Nice", "Provence-Alpes-Côte d'Azur"),
    ("Nantes", "Pays de la Loire"),
    ("Strasbourg", "Grand Est"),
    ("Montpellier", "Occitanie"),
    ("Bordeaux", "Nouvelle-Aquitaine"),
    ("Lille", "Hauts-de-France"),
    ("Rennes", "Bretagne"),
    ("Reims", "Grand Est"),
    ("Saint-Étienne", "Auvergne-Rhône-Alpes"),
    ("Le Havre", "Normandie"),
    ("Grenoble", "Auvergne-Rhône-Alpes"),
    ("Dijon", "Bourgogne-Franche-Comté"),
    ("Angers", "Pays de la Loire"),
    ("Nîmes", "Occitanie"),
    ("Clermont-Ferrand", "Auvergne-Rhône-Alpes"),
    ("Brest", "Bretagne"),
    ("Tours", "Centre-Val de Loire"),
    ("Amiens", "Hauts-de-France"),
    ("Limoges", "Nouvelle-Aquitaine"),
    ("Perpignan", "Occitanie"),
    ("Metz", "Grand Est"),
    ("Besançon", "Bourgogne-Franche-Comté"),
    ("Orléans", "Centre-Val de Loire"),
    ("Rouen", "Normandie"),
    ("Caen", "Normandie"),
    ("Nancy", "Grand Est"),
    ("Ajaccio", "Corse"),
]
SYLLABLES = (
    "vol té a mar ti nè ro ca lu pé zi gor bel fran ço is lé o ri va do mi sa ne ba "
    "cé li mon tar gé ra vi en sol tri ka dé un ar bo ré qua fé lix ju no ver ta "
    "pra sé ly ax om él cor val fi na é to ur bi"
).split()
KINDS = [
    "",
    "",
    "",
    "Services",
    "Groupe",
    "Conseil",
    "Distribution",
    "Énergie",
    "Assurances",
    "Télécom",
    "Mutuelle",
    "Banque",
    "Voyages",
    "Automobiles",
    "Habitat",
    "Santé",
]
WORDS = (
    "remboursement facture électricité résiliation abonnement conseiller attente téléphone "
    "réclamation livraison colis retard garantie réparation échange contrat prélèvement "
    "assurance sinistre indemnisation dossier agence clientèle service après-vente accueil "
    "courtoisie délai réponse courriel messagerie rappel rendez-vous technicien intervention "
    "compteur consommation tarif offre forfait mobile internet fibre box panne réseau "
    "carte bancaire virement découvert crédit prêt épargne compte frais commission "
    "billet voyage annulation bagage correspondance vol train réservation hôtel séjour "
    "commande retour produit défaut qualité magasin caisse fidélité promotion avoir "
    "mutuelle soins ordonnance pharmacie consultation hospitalisation devis chantier "
    "logement loyer charges syndic copropriété travaux chauffage eau assainissement "
    "véhicule entretien révision pièce concession reprise financement location "
    "qualité écoute disponibilité efficacité compétence suivi solution satisfaction"
).split()


def luhn_siren(n: int) -> str:
    """A 9-digit SIREN whose Luhn sum is a multiple of 10 (8 digits from n + check digit)."""
    body = f"{n:08d}"
    for check in range(10):
        digits = [int(c) for c in body + str(check)]
        total = sum(
            d if i % 2 == 0 else (2 * d - 9 if 2 * d > 9 else 2 * d) for i, d in enumerate(digits)
        )
        if total % 10 == 0:
            return body + str(check)
    raise AssertionError


def make_word(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()


def generate(n: int, seed: int = 42) -> list[dict]:
    """`n` deterministic companies with ~30-word French descriptions."""
    rng = random.Random(seed)
    names, companies = set(), []
    while len(companies) < n:
        name = " ".join(x for x in (make_word(rng), rng.choice(KINDS)) if x)
        if rng.random() < 0.3:
            name = f"{name} {make_word(rng)}"
        if name in names:
            continue
        names.add(name)
        city, region = rng.choice(CITIES)
        i = len(companies) + 1
        companies.append(
            {
                "id": i,
                "slug": f"c{i}",
                "name": name,
                "legal_name": f"{name} SAS",
                "aliases": "",
                "siren": luhn_siren(10_000_000 + i * 7),
                "sector_id": rng.randrange(len(SECTORS)) + 1,
                "city": city,
                "region": region,
                "description": " ".join(rng.choice(WORDS) for _ in range(rng.randint(26, 34))),
            }
        )
    return companies


def make_queries(companies: list[dict], seed: int = 7) -> list[tuple[str, str]]:
    """A fixed mix of 300 queries (kind, text) a user would type."""
    rng = random.Random(seed)
    pick = lambda: rng.choice(companies)  # noqa: E731
    accented = [c for c in companies if fold(c["name"]) != c["name"].lower()]
    queries = [("exact", pick()["name"]) for _ in range(60)]
    queries += [("no-accent", fold(rng.choice(accented)["name"])) for _ in range(50)]
    for _ in range(50):
        words = pick()["name"].split()
        w = max(range(len(words)), key=lambda k: len(words[k]))
        word = fold(words[w])
        k = rng.randrange(1, len(word) - 1)
        typo = (
            word[:k] + word[k + 1] + word[k] + word[k + 2 :]
            if rng.random() < 0.5
            else word[:k] + rng.choice("aeiourstln") + word[k + 1 :]
        )
        words[w] = typo
        queries.append(("typo", " ".join(words)))
    for _ in range(60):
        word = fold(pick()["name"].split()[0])
        queries.append(("autocomplete", word[: rng.randint(3, 5)]))
    for _ in range(50):
        c = pick()
        sector = SECTORS[c["sector_id"] - 1][1].split()[0]
        queries.append(("sector+city", f"{sector} {c['city']}"))
    queries += [("siren", pick()["siren"]) for _ in range(30)]
    return queries


def load_database(url: str, companies: list[dict]) -> None:
    engine = make_engine(url)
    Base.metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(
            insert(Sector),
            [{"id": i, "slug": s, "name": n} for i, (s, n) in enumerate(SECTORS, start=1)],
        )
        for start in range(0, len(companies), 5000):
            conn.execute(insert(Company), companies[start : start + 5000])
    engine.dispose()


def build_fts(path: Path, companies: list[dict]) -> float:
    started = time.perf_counter()
    conn = sqlite3.connect(path)
    conn.execute(
        "CREATE VIRTUAL TABLE fts USING fts5(name, sector, city, region, description, "
        "tokenize='unicode61 remove_diacritics 2')"
    )
    sectors = dict(enumerate((n for _, n in SECTORS), start=1))
    conn.executemany(
        "INSERT INTO fts(rowid, name, sector, city, region, description) VALUES (?,?,?,?,?,?)",
        [
            (
                c["id"],
                f"{c['name']} {c['legal_name']}",
                sectors[c["sector_id"]],
                c["city"],
                c["region"],
                c["description"],
            )
            for c in companies
        ],
    )
    conn.commit()
    conn.close()
    return time.perf_counter() - started


def fts_query(conn, kind: str, text: str):
    if kind == "siren":
        return conn.execute("SELECT id FROM companies WHERE siren = ?", (text,)).fetchall()
    tokens = re.findall(r"\w+", text)
    if not tokens:
        return []
    if kind == "autocomplete":
        return conn.execute(
            "SELECT rowid FROM fts WHERE fts MATCH ? ORDER BY rank LIMIT 8",
            (f'name : "{tokens[0]}"*',),
        ).fetchall()
    match = " ".join(f'"{t}"' for t in tokens)
    top = conn.execute(
        "SELECT rowid FROM fts WHERE fts MATCH ? "
        "ORDER BY bm25(fts, 10.0, 2.0, 2.0, 1.0, 1.0) LIMIT 20",
        (match,),
    ).fetchall()
    # The page also shows a total and facet counts: one grouped count, as Whoosh does.
    conn.execute(
        "SELECT c.sector_id, c.region, count(*) FROM fts JOIN companies c ON c.id = fts.rowid "
        "WHERE fts MATCH ? GROUP BY c.sector_id, c.region",
        (match,),
    ).fetchall()
    return top


def timed(fn) -> tuple[float, float, object]:
    """(wall ms, CPU ms of this thread, result): on a shared machine the CPU time is the
    figure the other processes do not change."""
    started, cpu = time.perf_counter(), time.thread_time()
    out = fn()
    return (time.perf_counter() - started) * 1000, (time.thread_time() - cpu) * 1000, out


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def run(args) -> dict:
    work = Path(tempfile.mkdtemp(prefix="bench-search-"))
    db_path = work / "bench.sqlite"
    url = f"sqlite:///{db_path}"
    started = time.perf_counter()
    companies = generate(args.companies)
    load_database(url, companies)
    generated = time.perf_counter() - started
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "bench-" * 8,
            "DATABASE_URL": url,
            "SEARCH_INDEX_DIR": str(work / "index"),
        }
    )
    with app.app_context():
        cpu, helpers = time.process_time(), os.times()
        build, _cpu, count = timed(lambda: rebuild(app, procs=args.procs))
        build_cpu = time.process_time() - cpu
        helpers_cpu = sum(os.times()[2:4]) - sum(helpers[2:4])  # forked writers, joined
    store = get_store(app)
    gen_dir = work / "index" / store.current_name()
    size = sum(f.stat().st_size for f in gen_dir.iterdir())
    cpu = time.process_time()
    fts_build = build_fts(db_path, companies)
    fts_cpu = time.process_time() - cpu
    queries = make_queries(companies)
    # Both engines first answer 300 other searches (another seed: other companies, other
    # typos), as a serving process has: its decoded posting blocks, SQLite's page cache.
    warmup = make_queries(companies, seed=99)
    searcher = store.searcher()
    conn = sqlite3.connect(db_path)

    def whoosh(kind, text):
        if kind == "autocomplete":
            return run_autocomplete(searcher, text)
        # The app's search path: a SIREN goes to the database's B-tree, words to Whoosh.
        return search_companies(text, per_page=20).ids

    rows, found = {}, {}
    with app.app_context():
        for kind, text in warmup:
            whoosh(kind, text)
            fts_query(conn, kind, text)
        for kind, text in queries:
            w_ms, w_cpu, w_out = timed(lambda: whoosh(kind, text))  # noqa: B023
            f_ms, f_cpu, f_out = timed(lambda: fts_query(conn, kind, text))  # noqa: B023
            rows.setdefault(kind, ([], [], [], []))
            rows[kind][0].append(w_ms)
            rows[kind][1].append(f_ms)
            rows[kind][2].append(w_cpu)
            rows[kind][3].append(f_cpu)
            found.setdefault(kind, [0, 0])
            found[kind][0] += bool(w_out)
            found[kind][1] += bool(f_out)
    conn.close()
    return {
        "companies": count,
        "generated": generated,
        "build": build / 1000,
        "size": size,
        "fts_build": fts_build,
        "build_cpu": build_cpu,
        "helpers_cpu": helpers_cpu,
        "fts_cpu": fts_cpu,
        "rows": rows,
        "found": found,
        "work": work,
    }


def stats(values):
    return statistics.median(values), percentile(values, 95), max(values)


def _line(kind: str, columns, found: str) -> str:
    w, f, wc, fc = columns
    (wp50, wp95, wmax), (fp50, fp95, fmax) = stats(w), stats(f)
    wc95, fc95 = percentile(wc, 95), percentile(fc, 95)
    return (
        f"| {kind} | {len(w)} | {wp50:.1f} ms | {wp95:.1f} | {wmax:.1f} | {fp50:.2f} ms | "
        f"{fp95:.2f} | {fmax:.2f} | {wp50 / fp50:.1f}× | {wp95 / fp95:.1f}× "
        f"| {wc95:.2f} / {fc95:.2f} ms | {wc95 / max(fc95, 0.001):.1f}× | {found} |"
    )


def report(res, args) -> str:
    lines = [
        f"Companies: {res['companies']:,} (~30-word French descriptions), generated and loaded "
        f"in {res['generated']:.1f} s.",
        f"Whoosh full rebuild (`search rebuild`, procs={args.procs}): **{res['build']:.1f} s**, "
        f"index size **{res['size'] / 1e6:.1f} MB**. FTS5 table build: {res['fts_build']:.1f} s "
        f"(ratio **{res['build'] / res['fts_build']:.1f}×**). CPU time: rebuild "
        f"{res['build_cpu']:.1f} s in this process + {res['helpers_cpu']:.1f} s in forked "
        f"writers, FTS5 {res['fts_cpu']:.1f} s (ratio of the longest process "
        f"**{max(res['build_cpu'], res['helpers_cpu']) / res['fts_cpu']:.1f}×**, of the sum "
        f"{(res['build_cpu'] + res['helpers_cpu']) / res['fts_cpu']:.1f}×).",
        "",
        "| kind | n | Whoosh p50 | p95 | max | FTS5 p50 | p95 | max | ratio p50 | ratio p95 "
        "| CPU p95 W / FTS5 | CPU ratio p95 | found (W / FTS5) |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    every = [[], [], [], []]
    for kind, columns in res["rows"].items():
        for total, values in zip(every, columns, strict=True):
            total += values
        lines.append(_line(kind, columns, "{} / {}".format(*res["found"][kind])))
    lines.append(_line("**all**", every, ""))
    return "\n".join(lines)


NOTES = """How the Whoosh side works (issue 17, item 6):
- **Queries** do not walk Whoosh's matchers (`rating.search.walk`): each term's posting
  blocks are read whole, the words' clauses are intersected as Python sets, a long list is
  probed for the few candidates left, and only the documents matching every word are
  scored, with Whoosh's own BM25F formula and figures. The blocks a probe decodes, and
  lists of 2,048 postings or more read whole, are kept decoded per segment (at most 4
  million postings, ~32 MB a process): a repeated probe is a bisection. Total, facets and
  sort keys come from per-segment column arrays (`rating.search.segments`); typos walk an
  in-memory sorted vocabulary; a SIREN / SIRET goes to the database's unique index.
- **Rebuild** (`rating.search.bulk`): Whoosh's writer hands each posting (~51 a company)
  to a pool that sorts and pickles them into temporary runs, merges them and feeds them
  back one call at a time; the rebuild's `BulkWriter` keeps each term's postings in arrays
  (documents come in order) and gives the codec whole lists in term order, through
  Whoosh's own per-document and field writers, so the index stays an ordinary Whoosh
  index (tests compare it posting by posting with the normal writer's, and update and
  merge it). Lists shorter than 16 postings are inlined in the term table (Whoosh's
  inlining, broken in whoosh-reloaded 2.7.5, mended in `rating.search.codec`). With
  procs > 1, forked processes each write the segment of a consecutive range of ids,
  listed in id order: documents are numbered as by one process, so answers are the same.
- **What remains**: the rebuild is still ~51 postings a company in pure Python, about a
  good part of it in Whoosh's per-term and per-document writers; the name edge n-grams (11.4
  postings a company, 40 % of the terms) keep autocomplete's ranking (BM25 on the edge
  term) unchanged, so they were kept. Typo queries (no FTS5 equivalent) and broad
  sector + city queries are the tail of the "all" row.
- **Measured as a serving process answers**: before the timed queries, both engines
  answer 300 other searches (another seed: other companies, other typos), which fill
  Whoosh's decoded blocks and SQLite's page cache as a worker's earlier visitors do;
  no timed query was asked before. A process's very first searches pay the decoding of
  the blocks they touch: after only 20 warm-up queries, the p95 of exact and no-accent
  queries was 2.5–4× FTS5's (session 8), 1.5–2.2× once warm.
- The machine is shared: wall-clock times are inflated and noisy, the CPU-time figures
  are not; the load average at the end of the run is above."""


SECTION_RE = re.compile(r"^## Search\n.*?(?=^## |\Z)", re.S | re.M)


def write_section(body: str, args) -> None:
    path = ROOT / "BENCHMARKS.md"
    text = path.read_text() if path.exists() else "# Benchmarks\n\n"
    machine = f"{platform.machine()}, {os.cpu_count()} CPU, Python {platform.python_version()}"
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    section = (
        "## Search\n\n"
        "<!-- Written by bench/search.py; owned by the search feature. -->\n"
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {machine} ({platform.platform()}), "
        f"load average {load} at the end "
        "(2 cores shared by 8 engineers' sessions: the ratios of one run are what counts).\n"
        f"Command: `.venv/bin/python -m bench.search --companies {args.companies}"
        f"{f' --procs {args.procs}' if args.procs else ''}` (procs auto = 2 here).\n"
        "Whoosh times are `search_companies` as the page calls it (top 20, total, facet counts, "
        "highlights) and `autocomplete` (8 names); FTS5 runs the same words (top 20 by bm25 plus "
        "one grouped count for total and facets; prefix on the name column; SIREN by B-tree). "
        "FTS5 has no typo tolerance, so its typo rows mostly find nothing. A SIREN goes to the "
        "database's unique index in both (the app's search path, `search_companies`).\n"
        "Targets (issue 17): Whoosh p95 ≤ 3× FTS5 for every kind FTS5 answers (typo and "
        "SIREN aside), rebuild ≤ 25× the FTS5 build.\n\n"
        f"{body}\n\n"
        f"{NOTES}\n\n"
    )
    text = (
        SECTION_RE.sub(lambda _: section, text)
        if SECTION_RE.search(text)
        else (text.rstrip("\n") + "\n\n" + section)
    )
    path.write_text(text)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--companies", type=int, default=100_000)
    parser.add_argument("--procs", type=int, default=None, help="default: auto")
    parser.add_argument("--no-write", action="store_true", help="do not touch BENCHMARKS.md")
    args = parser.parse_args(argv)
    res = run(args)
    body = report(res, args)
    print(body)
    if not args.no_write:
        write_section(body, args)
        print("BENCHMARKS.md: section ## Search updated.")


if __name__ == "__main__":
    main()
