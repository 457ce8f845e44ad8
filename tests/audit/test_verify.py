"""`flask audit verify` on a clean database and after each kind of direct tampering.

Tampering goes around the immutability triggers the way an intruder with database access
would: drop the trigger, change the row, recreate the trigger (SQLite and PostgreSQL).
"""

import json

import pytest
from sqlalchemy import select
from sqlalchemy.exc import DBAPIError, IntegrityError

from rating.audit import decisions, services, signing, verification
from rating.audit.chain import canonical_json, chain_hash, sha256_hex
from rating.audit.publishing import metadata
from rating.models import AuditGrade, AuditTest, Methodology, Publication
from tests.audit.builders import auditor, campaign, publish, sector_with
from tests.audit.tampering import change_draw, forge_and_rehash, truncate
from tests.audit.tampering import tamper as tamper_database


@pytest.fixture
def chain(session):
    """Two publications of two campaigns over two sectors."""
    s1, _ = sector_with(session, 3)
    s2, _ = sector_with(session, 2)
    author, reviewer = auditor(session), auditor(session)
    camp = campaign(session, author, [s1, s2])
    first = publish(session, camp, author, reviewer)
    second = publish(session, campaign(session, author, [s1], period="2027-T1"), author, reviewer)
    return {
        "first": first,
        "second": second,
        "campaign": camp,
        "author": author,
        "reviewer": reviewer,
    }


def tamper(app, session, statements, params=None):
    """Raw SQL around the immutability triggers (the test's session must not hold a lock)."""
    session.rollback()
    tamper_database(app, statements, params)


def verify(runner):
    return runner.invoke(args=["audit", "verify"])


def test_empty_database_verifies(runner):
    result = verify(runner)
    assert result.exit_code == 0, result.output
    assert "0 publication(s)" in result.output


def test_clean_chain_verifies(runner, chain):
    result = verify(runner)
    assert result.exit_code == 0, result.output
    assert "2 publication(s) vérifiée(s)" in result.output
    assert "signatures intègres" in result.output


def _fails_with(runner, message):
    result = verify(runner)
    assert result.exit_code == 1
    assert "ÉCHEC" in result.output and message in result.output, result.output


def test_altered_test_row_is_caught(app, session, runner, chain):
    test_id = json.loads(chain["second"].tests_json)[0]["test_id"]
    tamper(
        app, session, ["UPDATE audit_tests SET wait_seconds = 290 WHERE id = :id"], {"id": test_id}
    )
    _fails_with(runner, f"publication n° 2 : le test n° {test_id} ne correspond plus")


def test_altered_frozen_test_is_caught(app, session, runner, chain):
    tamper(
        app,
        session,
        ["UPDATE publications SET tests_json = replace(tests_json, :old, :new) WHERE sequence = 1"],
        {"old": '"courtesy":4', "new": '"courtesy":1'},
    )
    _fails_with(runner, "publication n° 1 : l'empreinte SHA-256 des tests")


def test_altered_grade_row_is_caught(app, session, runner, chain):
    grade = session.scalars(
        select(AuditGrade).where(AuditGrade.publication_id == chain["first"].id)
    ).first()
    tamper(
        app,
        session,
        ["UPDATE audit_grades SET grade20 = 3.5, letter = 'E' WHERE id = :id"],
        {"id": grade.id},
    )
    _fails_with(runner, "publication n° 1 : la note stockée de")


def test_altered_hash_is_caught(app, session, runner, chain):
    tamper(
        app,
        session,
        ["UPDATE publications SET chain_hash = :h WHERE sequence = 1"],
        {"h": "a" * 64},
    )
    _fails_with(runner, "publication n° 1 : le hachage de chaîne ne correspond pas")


def test_rehashed_grades_break_the_chain(app, session, runner, chain):
    grades = json.loads(chain["first"].grades_json)
    grades[0]["grade20"] = 19.9
    forged = canonical_json(grades)
    tamper(
        app,
        session,
        ["UPDATE publications SET grades_json = :g, grades_sha256 = :s WHERE sequence = 1"],
        {"g": forged, "s": sha256_hex(forged)},
    )
    _fails_with(runner, "publication n° 1 : le hachage de chaîne ne correspond pas")


def test_consistently_forged_tests_fail_the_recomputation(app, session, runner, chain):
    last = chain["second"]
    tests = json.loads(last.tests_json)
    for item in tests:
        if item["reached"]:
            item["accuracy"] = 0
    forged = canonical_json(tests)
    params = session.get(Methodology, "v1").parameters
    digest = sha256_hex(forged)
    new_hash = chain_hash(last.previous_hash, last.grades_sha256, digest, metadata(last, params))
    tamper(
        app,
        session,
        [
            "UPDATE publications SET tests_json = :t, tests_sha256 = :d, chain_hash = :h "
            "WHERE sequence = 2"
        ],
        {"t": forged, "d": digest, "h": new_hash},
    )
    _fails_with(runner, "publication n° 2 : la note recalculée de")


def test_altered_methodology_is_caught(app, session, runner, chain):
    tamper(
        app,
        session,
        ["UPDATE methodologies SET parameters = replace(parameters, :old, :new)"],
        {"old": '"0.40"', "new": '"0.50"'},
    )
    _fails_with(runner, "publication n° 1 : le hachage de chaîne ne correspond pas")


def test_deleted_publication_is_caught(app, session, runner, chain):
    tamper(
        app,
        session,
        [
            "DELETE FROM publication_signatures WHERE publication_id = :id",
            "DELETE FROM audit_grades WHERE publication_id = :id",
            "DELETE FROM publications WHERE id = :id",
        ],
        {"id": chain["first"].id},
    )
    _fails_with(runner, "publication n° 1 manquante")


def test_deleted_last_publication_is_caught(app, session, runner, chain):
    tamper(
        app,
        session,
        [
            "DELETE FROM publication_signatures WHERE publication_id = :id",
            "DELETE FROM audit_grades WHERE publication_id = :id",
            "DELETE FROM publications WHERE id = :id",
        ],
        {"id": chain["second"].id},
    )
    _fails_with(runner, f"campagne n° {chain['second'].campaign_id} publiée mais sans publication")


def _refused(session, action):
    with pytest.raises((IntegrityError, DBAPIError)):
        action()
        session.commit()
    session.rollback()


def test_orm_cannot_update_or_delete_publications_or_grades(session, chain):
    publication = session.get(Publication, chain["first"].id)

    def edit_publication():
        publication.period = "2020-T1"

    _refused(session, edit_publication)
    _refused(session, lambda: session.delete(session.get(Publication, chain["second"].id)))
    grade = session.scalars(select(AuditGrade)).first()

    def edit_grade():
        grade.grade20 = 1.0

    _refused(session, edit_grade)
    _refused(session, lambda: session.delete(session.scalars(select(AuditGrade)).first()))
    assert session.get(Publication, chain["first"].id).period == "2026-T4"


def test_correction_keeps_the_chain_valid(session, runner, chain):
    # After a correction the live tests differ from the first publication, not from the current.
    camp, author = chain["campaign"], chain["author"]
    decisions.reopen_campaign(session, camp, author)
    test = session.scalars(select(AuditTest).where(AuditTest.campaign_id == camp.id)).first()
    services.delete_test(session, camp, author, test.id)
    decisions.submit_campaign(session, camp, author)
    decisions.approve_campaign(session, camp, chain["reviewer"], "Un test saisi deux fois.")
    result = verify(runner)
    assert result.exit_code == 0, result.output
    assert "3 publication(s)" in result.output


# What only the outside of the database can tell: the signing key and a head kept elsewhere.


def test_a_consistently_rehashed_chain_fails_on_its_signatures(app, session, runner, chain):
    session.rollback()
    slug = forge_and_rehash(app, 1)  # a worse grade, recomputed, every link re-hashed
    session.expire_all()
    assert verification.verify(session, signatures=False) is None  # consistent inside
    _fails_with(runner, "publication n° 1 : la signature Ed25519 du hachage de chaîne")
    assert slug


def test_a_truncated_chain_fails_against_the_head_kept_elsewhere(app, session, runner, chain):
    head = runner.invoke(args=["audit", "verify"])
    assert head.exit_code == 0
    kept = client_head(app)
    session.rollback()
    assert truncate(app) == (kept["sequence"], kept["chain_hash"])
    assert verify(runner).exit_code == 0  # the shorter chain is itself valid and signed
    expect = f"{kept['sequence']}:{kept['chain_hash']}"
    result = runner.invoke(args=["audit", "verify", "--expect-head", expect])
    assert result.exit_code == 1
    assert "la tête attendue n° 2 n'est plus dans la chaîne" in result.output, result.output
    first = f"1:{chain['first'].chain_hash}"
    assert runner.invoke(args=["audit", "verify", "--expect-head", first]).exit_code == 0


def test_expect_head_refuses_a_rewritten_head_and_bad_input(runner, chain):
    other = f"2:{'b' * 64}"
    result = runner.invoke(args=["audit", "verify", "--expect-head", other])
    assert result.exit_code == 1 and "n'a plus le hachage attendu" in result.output
    bad = runner.invoke(args=["audit", "verify", "--expect-head", "deux"])
    assert bad.exit_code == 2 and "NUMÉRO:HACHAGE" in bad.output


def test_a_changed_draw_is_caught(app, session, runner, chain):
    session.rollback()
    change_draw(app, 1)
    _fails_with(runner, "publication n° 1 : le tirage de la campagne ne correspond plus")


def test_a_signature_from_another_key_is_caught(app, session, runner, chain, tmp_path):
    other = tmp_path / "other.key"
    signing.create_ring(other)
    app.config["AUDIT_SIGNING_KEY_FILE"] = str(other)
    _fails_with(runner, "publication n° 1 : la signature Ed25519")


def client_head(app) -> dict:
    return app.test_client().get("/api/v1/publications/head").get_json()


def test_audit_sign_never_re_signs_a_publication_that_lost_its_signature(
    app, session, runner, chain
):
    tamper(app, session, ["DELETE FROM publication_signatures"])
    _fails_with(runner, "publication n° 1 : aucune signature")
    refused = runner.invoke(args=["audit", "sign"])  # signed when frozen: an incident now
    assert refused.exit_code == 1 and "rien n'est signé" in refused.output
    _fails_with(runner, "publication n° 1 : aucune signature")
