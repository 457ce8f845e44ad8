"""Smoke test of bench/search.py on 200 companies (the real run, 100,000, is by hand)."""

from argparse import Namespace

from bench import search as bench


def test_bench_runs_small_and_reports_every_kind(tmp_path):
    companies = bench.generate(200)
    assert len({c["name"] for c in companies}) == 200
    assert bench.generate(200) == companies  # deterministic
    assert len(bench.make_queries(companies)) == 300
    res = bench.run(Namespace(companies=200, procs=1))
    assert res["companies"] == 200
    found = res["found"]
    # Whoosh finds every exact, accent-less and SIREN query, and nearly all typos.
    for kind in ("exact", "no-accent", "siren", "autocomplete", "sector+city"):
        assert found[kind][0] == len(res["rows"][kind][0]), kind
    assert found["typo"][0] >= 0.9 * len(res["rows"]["typo"][0])
    report = bench.report(res, Namespace(companies=200, procs=1))
    assert "| typo |" in report and "| **all** |" in report
