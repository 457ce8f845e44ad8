"""The fraud benchmark at a small, seeded size (the full run is `python -m bench.fraud`): the
moderation signals hold, refuse or flag ≥ 90 % of the injected reviews, hold ≤ 2 % and flag
≤ 5 % of the genuine ones, take no genuine review offline (the "takedown" attack), catch
every attack, and every hold names its signal."""

from argparse import Namespace

from bench import fraud as bench
from rating.reviews import signals

SMALL = {"seed": 11, "companies": 30, "days": 100, "genuine": 450, "attacks": 0.25}


def test_the_generated_world_is_labelled_and_reproducible():
    world = bench.build_world(11, 30, 100, 450, 0.25)
    again = bench.build_world(11, 30, 100, 450, 0.25)
    assert [(e.at, e.body) for e in world.events] == [(e.at, e.body) for e in again.events]
    kinds = {e.kind for e in world.events}
    assert kinds == {"genuine", *bench.ATTACKS}
    genuine = [e for e in world.events if e.kind == "genuine"]
    # Genuine texts are varied: no two of them are near-duplicates by construction.
    bodies = {e.body for e in genuine}
    assert len(bodies) >= 0.97 * len(genuine)
    moments = [e.at for e in world.events]
    assert moments == sorted(moments)


def test_signals_catch_the_attacks_and_spare_genuine_reviews(database_url):
    # The test's own empty database: SQLite here, PostgreSQL in the CI's second pass.
    res = bench.run(Namespace(**SMALL, database_url=database_url))
    report = bench.report(res)
    assert res["recall"] >= bench.TARGET_RECALL, report
    assert res["false_positives"] <= bench.TARGET_FALSE_POSITIVES, report
    assert res["genuine_flagged"] <= bench.TARGET_GENUINE_FLAGGED, report
    # Nobody takes a published genuine review offline, however they try.
    assert res["kinds"]["takedown"]["n"] > 0, report
    assert res["genuine_offline"] == 0, report
    for kind in bench.ATTACKS:
        row = res["kinds"][kind]
        assert row["n"] and row["caught"] / row["n"] >= 0.75, (kind, report)
    assert not res["errors"], res["errors"]
    # Each hold names its signal, among the known ones (plus "refused" for insiders).
    assert res["unnamed_holds"] == 0
    assert set(res["signals"]) <= {*signals.LABELS, "refused"}
    assert "| **all injected** |" in report and "| takedown |" in report
