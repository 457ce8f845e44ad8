"""The key that signs the chain lives outside the database: created 0600 once, rotated from
a sequence on with the old public keys still published; no key, no publication."""

import json
import stat
from pathlib import Path

import pytest
from sqlalchemy import select

from rating.audit import signing
from rating.audit.chain import canonical_json, chain_hash, sha256_hex
from rating.models import AuditCampaign, PublicationSignature
from tests.factories import World


def _key_file(app) -> Path:
    return Path(app.config["AUDIT_SIGNING_KEY_FILE"])


def test_keygen_creates_the_key_once_with_mode_0600(app, runner):
    result = runner.invoke(args=["audit", "keygen"])
    assert result.exit_code == 0 and "créée" in result.output
    path = _key_file(app)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    before = path.read_text()
    again = runner.invoke(args=["audit", "keygen"])
    assert again.exit_code == 0 and "existe déjà" in again.output
    assert path.read_text() == before


def _chain(session, count):
    w = World(session)
    sector, _ = w.sector_with(3)
    author, reviewer = w.auditor(), w.auditor()
    return [
        w.publish(w.campaign(author, [sector], period=f"2026-T{n + 1}"), author, reviewer)
        for n in range(count)
    ]


def test_rotation_signs_from_a_sequence_on_and_keeps_old_public_keys(app, session, runner):
    first = _chain(session, 1)
    assert runner.invoke(args=["audit", "keygen", "--rotate"]).exit_code == 0
    later = _chain(session, 1)
    keys = signing.read_ring(_key_file(app))
    assert [k.from_sequence for k in keys] == [1, 2] and keys[0].private_key is None
    listed = app.test_client().get("/api/v1/publications/public-key").get_json()
    assert [(k["from_sequence"], k["until_sequence"]) for k in listed["keys"]] == [
        (1, 1),
        (2, None),
    ]
    for publication, key in ((first[0], keys[0]), (later[0], keys[1])):
        row = session.get(PublicationSignature, publication.id)
        assert row.public_key == key.public_key
        assert signing.valid(key.public_key, publication.chain_hash, row.signature)
    assert runner.invoke(args=["audit", "verify"]).exit_code == 0
    bad = runner.invoke(args=["audit", "keygen", "--rotate", "--from-sequence", "1"])
    assert bad.exit_code != 0 and "doit signer après" in bad.output


def test_production_never_creates_a_key_and_refuses_to_publish_unsigned(app, session, client):
    app.config["APP_ENV"] = "production"
    w = World(session)
    sector, _ = w.sector_with(2)
    author, reviewer = w.auditor(), w.auditor()
    with pytest.raises(signing.SigningKeyMissing):
        w.publish(w.campaign(author, [sector]), author, reviewer)
    session.rollback()
    assert not _key_file(app).exists()
    assert client.get("/api/v1/publications/head").status_code == 404
    assert client.get("/api/v1/publications/public-key").get_json()["keys"] == []


def test_the_draw_is_frozen_and_hashed_when_the_campaign_is_created(session):
    w = World(session)
    sector, companies = w.sector_with(4)
    camp = w.campaign(w.auditor(), [sector], per_sector=2, seed="graine")
    record = json.loads(camp.draw_json)
    assert camp.draw_sha256 == sha256_hex(canonical_json(record)) == sha256_hex(camp.draw_json)
    assert record["seed"] == "graine" and record["per_sector"] == 2
    assert record["candidates"] == {sector.slug: sorted(c.slug for c in companies)}
    assert [c for _, c in record["drawn"]] == w.drawn(camp)
    w.company(sector=sector)  # a later import changes the sector, not the frozen draw
    assert session.scalar(select(AuditCampaign.draw_json).where(AuditCampaign.id == camp.id)) == (
        camp.draw_json
    )


def test_new_publications_hash_public_keys_only(session, client):
    publication = _chain(session, 1)[0]
    assert publication.chain_version == 2
    for text in (publication.grades_json, publication.tests_json):
        assert all("company_id" not in item for item in json.loads(text))
    detail = client.get(f"/api/v1/publications/{publication.id}").get_json()
    # A stranger's recomputation: only what the API shows.
    grades = client.get(detail["grades_json"]).data
    tests = client.get(detail["tests_json"]).data
    assert sha256_hex(grades.decode()) == detail["grades_sha256"]
    assert sha256_hex(tests.decode()) == detail["tests_sha256"]
    meta = detail["chain_metadata"]
    assert meta["methodology_sha256"] == sha256_hex(
        canonical_json(detail["methodology_parameters"])
    )
    assert meta["draw_sha256"] == sha256_hex(canonical_json(detail["draw"]))
    again = chain_hash(
        detail["previous_hash"], detail["grades_sha256"], detail["tests_sha256"], meta
    )
    assert again == detail["chain_hash"]
    key = client.get("/api/v1/publications/public-key").get_json()["keys"][0]["public_key"]
    assert signing.valid(key, detail["chain_hash"], detail["signature"])
    head = client.get("/api/v1/publications/head").get_json()
    assert head["sequence"] == 1 and head["signature"] == detail["signature"]
    feed = client.get("/api/v1/publications.atom").get_data(as_text=True)
    assert f'chain_hash="{head["chain_hash"]}" signature="{head["signature"]}"' in feed
