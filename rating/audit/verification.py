"""`audit verify`: every publication, its grades, tests, draw and signature, and the head.

Beyond the chain's own consistency (which whoever can write the database can rebuild),
each chain hash must carry a valid Ed25519 signature by the key file kept outside the
database, and `expect_heads` (sequence, chain hash) seen earlier elsewhere must still be in
the chain: a re-hashed or truncated chain fails here.
"""

import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import AuditCampaign, AuditGrade, Methodology, Publication, PublicationSignature
from . import signing
from .chain import GENESIS, Link, canonical_json, check_link, sha256_hex
from .draw import redraw_problem
from .grading import grade, grade_as_dict
from .publishing import (
    campaign_company_slugs,
    campaign_tests_payload,
    draw_slugs,
    metadata,
    methodology_parameters,
    mystery_test,
    public_payloads,
)


def _link(publication: Publication, methodology_json: str) -> Link:
    return Link(
        publication.sequence,
        publication.grades_json,
        publication.tests_json,
        publication.grades_sha256,
        publication.tests_sha256,
        publication.previous_hash,
        publication.chain_hash,
        metadata(publication, methodology_json),
    )


def company_ids(session: Session, publication: Publication) -> dict[str, int]:
    """Slug in the publication → company id (v1 payloads carry the id; v2 use the draw)."""
    stored = json.loads(publication.grades_json)
    if publication.chain_version < 2:
        return {item["company_slug"]: item["company_id"] for item in stored}
    campaign = session.get(AuditCampaign, publication.campaign_id)
    by_draw = {slug: cid for cid, slug in draw_slugs(campaign).items()}
    # A campaign drawn before draws froze was published under today's slugs.
    return by_draw or campaign_company_slugs(session, campaign)


def _check_grades(session: Session, publication: Publication) -> str | None:
    """Grades recomputed from the frozen tests, and the queryable rows, match the JSON."""
    where = f"publication n° {publication.sequence}"
    params = methodology_parameters(session, publication.methodology_version)
    stored = json.loads(publication.grades_json)
    tests = json.loads(publication.tests_json)
    graded = {item["company_slug"] for item in stored}
    stray = sorted({t["company_slug"] for t in tests} - graded)
    if stray:
        return f"{where} : tests d'une entreprise sans note ({', '.join(stray)})"
    for kept in stored:
        mine = [mystery_test(t) for t in tests if t["company_slug"] == kept["company_slug"]]
        again = grade_as_dict(grade(params, mine))
        if any(canonical_json(again[k]) != canonical_json(kept[k]) for k in again):
            return (
                f"{where} : la note recalculée de {kept['company_slug']} ({again['grade20']}) "
                f"diffère de la note publiée ({kept['grade20']})"
            )
    ids = company_ids(session, publication)
    rows = session.scalars(
        select(AuditGrade).where(AuditGrade.publication_id == publication.id)
    ).all()
    by_company = {row.company_id: row for row in rows}
    for item in stored:
        row = by_company.pop(ids.get(item["company_slug"]), None)
        if row is None:
            return f"{where} : la ligne de note de {item['company_slug']} a disparu (audit_grades)"
        copy = {
            "grade20": row.grade20,
            "letter": row.letter,
            "period": row.period,
            "methodology": row.methodology_version,
            "channels": json.loads(row.channels),
            "kpis": json.loads(row.kpis),
        }
        expected = {
            **{k: item[k] for k in ("grade20", "letter", "channels", "kpis")},
            "period": publication.period,
            "methodology": publication.methodology_version,
        }
        if canonical_json(copy) != canonical_json(expected):
            return (
                f"{where} : la note stockée de {item['company_slug']} (audit_grades) a été modifiée"
            )
    if by_company:
        return f"{where} : lignes de notes en trop (audit_grades)"
    return None


def _live_tests(session: Session, publication: Publication) -> list[dict]:
    """The campaign's test rows today, in the publication's form."""
    tests = campaign_tests_payload(session, publication.campaign_id)
    if publication.chain_version < 2:
        return tests
    campaign = session.get(AuditCampaign, publication.campaign_id)
    return public_payloads(campaign, tests, [])[0]


def _check_live_tests(session: Session, publication: Publication) -> str | None:
    """The campaign's test rows still equal what its current publication froze."""
    frozen = {item["test_id"]: item for item in json.loads(publication.tests_json)}
    live = {item["test_id"]: item for item in _live_tests(session, publication)}
    for test_id in sorted(frozen.keys() | live.keys()):
        if frozen.get(test_id) != live.get(test_id):
            return (
                f"publication n° {publication.sequence} : le test n° {test_id} "
                "ne correspond plus à sa version publiée (audit_tests)"
            )
    return None


def _check_draw(session: Session, publication: Publication) -> str | None:
    """The frozen draw hashes to the publication's digest, redraws the same, and names
    exactly the companies graded."""
    if publication.chain_version < 2 or publication.draw_sha256 is None:
        return None
    where = f"publication n° {publication.sequence}"
    campaign = session.get(AuditCampaign, publication.campaign_id)
    if campaign is None or not campaign.draw_json:
        return f"{where} : le tirage de la campagne a disparu"
    if sha256_hex(campaign.draw_json) != publication.draw_sha256:
        return f"{where} : le tirage de la campagne ne correspond plus à son empreinte"
    record = json.loads(campaign.draw_json)
    problem = redraw_problem(record)
    if problem:
        return f"{where} : {problem}"
    graded = {item["company_slug"] for item in json.loads(publication.grades_json)}
    if graded != {company for _, company in record["drawn"]}:
        return f"{where} : les entreprises notées ne sont pas celles du tirage"
    return None


def signature_problem(
    publication: Publication, signature: PublicationSignature | None, keys: list[signing.Key]
) -> str | None:
    """Why the publication's signature does not hold with the key file's key for it."""
    where = f"publication n° {publication.sequence}"
    if signature is None:
        return f"{where} : aucune signature (flask audit sign signe les publications anciennes)"
    key = signing.key_for(keys, publication.sequence)
    if key is None:
        return f"{where} : aucune clé du fichier de clés ne couvre cette publication"
    if signature.public_key != key.public_key or not signing.valid(
        key.public_key, publication.chain_hash, signature.signature
    ):
        return f"{where} : la signature Ed25519 du hachage de chaîne est invalide"
    return None


def _check_heads(publications: list[Publication], expect_heads) -> str | None:
    hashes = {p.sequence: p.chain_hash for p in publications}
    for sequence, expected in expect_heads:
        if sequence not in hashes:
            return (
                f"la tête attendue n° {sequence} n'est plus dans la chaîne "
                f"(elle s'arrête à la n° {max(hashes, default=0)} : chaîne tronquée ?)"
            )
        if hashes[sequence] != expected:
            return f"la publication n° {sequence} n'a plus le hachage attendu (chaîne réécrite ?)"
    return None


def verify(
    session: Session, keys: list[signing.Key] | None = None, expect_heads=(), signatures=True
) -> str | None:
    """The first problem in publications, grades, tests, draws and signatures, in chain
    order, then against the expected heads; None if all hold. `keys`: the application's
    key file when not given."""
    methodologies = {m.version: m.parameters for m in session.scalars(select(Methodology))}
    publications = session.scalars(select(Publication).order_by(Publication.sequence)).all()
    signed = {s.publication_id: s for s in session.scalars(select(PublicationSignature))}
    latest_of_campaign = {p.campaign_id: p.id for p in publications}
    published = {
        c.id: c
        for c in session.scalars(select(AuditCampaign).where(AuditCampaign.status == "published"))
    }
    keys = signing.app_ring() if keys is None and signatures else keys
    previous = GENESIS
    for expected, publication in enumerate(publications, start=1):
        link = _link(publication, methodologies.get(publication.methodology_version, ""))
        problem = check_link(link, expected, previous)
        if problem is None:
            problem = _check_grades(session, publication) or _check_draw(session, publication)
        if problem is None and signatures:
            problem = signature_problem(publication, signed.get(publication.id), keys or [])
        if problem is None and publication.campaign_id in published:
            if latest_of_campaign[publication.campaign_id] == publication.id:
                problem = _check_live_tests(session, publication)
        if problem:
            return problem
        previous = publication.chain_hash
    for campaign_id in sorted(published.keys() - latest_of_campaign.keys()):
        return f"campagne n° {campaign_id} publiée mais sans publication (supprimée ?)"
    return _check_heads(publications, expect_heads)
