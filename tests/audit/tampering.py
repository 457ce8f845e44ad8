"""Tampering as an intruder with write access to the database would do it (not the key file):
around the immutability triggers, and consistently, so that only what lies outside the
database (the signing key, a head kept elsewhere) can tell."""

import json

from sqlalchemy import select, text

from rating.audit.chain import GENESIS, canonical_json, chain_hash, sha256_hex
from rating.audit.grading import grade, grade_as_dict
from rating.audit.publishing import metadata, methodology_parameters, mystery_test
from rating.audit.verification import company_ids
from rating.db import get_session
from rating.models import Methodology, Publication
from rating.models.audit import IMMUTABLE_TABLES, immutable_trigger_ddl


def tamper(app, statements, params=None):
    """Run raw SQL with the immutability triggers removed, then put them back."""
    engine = app.extensions["rating.engine"]
    dialect = engine.dialect.name
    with engine.begin() as conn:
        for table in IMMUTABLE_TABLES:
            if dialect == "sqlite":
                conn.execute(text(f"DROP TRIGGER {table}_no_update"))
                conn.execute(text(f"DROP TRIGGER {table}_no_delete"))
            else:
                conn.execute(text(f"DROP TRIGGER {table}_immutable ON {table}"))
        for statement in statements:
            conn.execute(text(statement), params or {})
        for table in IMMUTABLE_TABLES:
            for ddl in immutable_trigger_ddl(table, dialect):
                conn.execute(text(ddl))


def forge_and_rehash(app, sequence: int) -> str:
    """Worsen one company's tests in publication n° `sequence`, recompute its grades, copy
    them into the live rows, and re-hash every link from there on. Returns the slug hit."""
    with app.app_context():
        session = get_session()
        pub = session.scalar(select(Publication).where(Publication.sequence == sequence))
        params = methodology_parameters(session, pub.methodology_version)
        tests, grades = json.loads(pub.tests_json), json.loads(pub.grades_json)
        victim = next(g["company_slug"] for g in grades if g["grade20"] is not None)
        changed = [t["test_id"] for t in tests if t["company_slug"] == victim and t["reached"]]
        for item in tests:
            if item["test_id"] in changed:
                item["accuracy"] = 0
        ids = company_ids(session, pub)
        statements, values = [], {}
        for n, item in enumerate(grades):
            mine = [mystery_test(t) for t in tests if t["company_slug"] == item["company_slug"]]
            item.update(grade_as_dict(grade(params, mine)))
            statements.append(
                f"UPDATE audit_grades SET grade20 = :g{n}, letter = :l{n}, channels = :c{n}, "
                f"kpis = :k{n} WHERE publication_id = :pub AND company_id = :id{n}"
            )
            values |= {
                f"g{n}": item["grade20"],
                f"l{n}": item["letter"],
                f"c{n}": canonical_json(item["channels"]),
                f"k{n}": canonical_json(item["kpis"]),
                f"id{n}": ids[item["company_slug"]],
            }
        tests_json, grades_json = canonical_json(tests), canonical_json(grades)
        statements.append(
            "UPDATE publications SET tests_json = :t, tests_sha256 = :ts, grades_json = :gj, "
            "grades_sha256 = :gs WHERE id = :pub"
        )
        statements.append(
            f"UPDATE audit_tests SET accuracy = 0 WHERE id IN ({','.join(map(str, changed))})"
        )
        values |= {"t": tests_json, "ts": sha256_hex(tests_json), "gj": grades_json}
        values |= {"gs": sha256_hex(grades_json), "pub": pub.id}
    tamper(app, statements, values)
    rehash(app)
    return victim


def rehash(app) -> None:
    """Recompute every previous_hash and chain_hash in the database from its content."""
    with app.app_context():
        session = get_session()
        methodologies = {m.version: m.parameters for m in session.scalars(select(Methodology))}
        statements, values, previous = [], {}, GENESIS
        for pub in session.scalars(select(Publication).order_by(Publication.sequence)):
            before = previous
            previous = chain_hash(
                before,
                pub.grades_sha256,
                pub.tests_sha256,
                metadata(pub, methodologies[pub.methodology_version]),
            )
            statements.append(
                f"UPDATE publications SET previous_hash = :p{pub.id}, chain_hash = :h{pub.id} "
                f"WHERE id = {pub.id}"
            )
            values |= {f"p{pub.id}": before, f"h{pub.id}": previous}
        session.rollback()
    # Temporary hashes first: chain_hash is unique and links swap values on the way.
    tamper(app, ["UPDATE publications SET chain_hash = 'tmp' || id"] + statements, values)


def truncate(app) -> tuple[int, str]:
    """Delete the newest publication (signature, grades) and reopen its campaign, as if it
    never was; returns the (sequence, chain hash) it had."""
    with app.app_context():
        pub = (
            get_session()
            .scalars(select(Publication).order_by(Publication.sequence.desc()).limit(1))
            .one()
        )
        head = (pub.sequence, pub.chain_hash)
        values = {"id": pub.id, "campaign": pub.campaign_id}
    tamper(
        app,
        [
            "DELETE FROM publication_signatures WHERE publication_id = :id",
            "DELETE FROM audit_grades WHERE publication_id = :id",
            "DELETE FROM publications WHERE id = :id",
            "UPDATE audit_campaigns SET status = 'draft' WHERE id = :campaign",
        ],
        values,
    )
    return head


def change_draw(app, sequence: int = 1) -> None:
    """Drop an undrawn candidate from a published campaign's frozen draw, digest updated."""
    with app.app_context():
        session = get_session()
        pub = session.scalar(select(Publication).where(Publication.sequence == sequence))
        row = session.execute(
            text("SELECT draw_json FROM audit_campaigns WHERE id = :id"), {"id": pub.campaign_id}
        ).scalar_one()
        record = json.loads(row)
        drawn = {company for _, company in record["drawn"]}
        for sector, candidates in record["candidates"].items():
            spare = [c for c in candidates if c not in drawn]
            if spare:
                record["candidates"][sector] = [c for c in candidates if c != spare[0]]
                break
        else:  # every candidate was drawn: draw with another seed instead
            record["seed"] += "-bis"
        forged = canonical_json(record)
        values = {"d": forged, "s": sha256_hex(forged), "id": pub.campaign_id}
        session.rollback()
    tamper(
        app, ["UPDATE audit_campaigns SET draw_json = :d, draw_sha256 = :s WHERE id = :id"], values
    )
