"""bench/generate.py at a small scale: the data it loads passes the app's own checks."""

import uuid

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from bench import generate
from rating import create_app
from rating.db import get_session
from rating.models import CompanyStats, Publication, Review
from tests.conftest import ON_POSTGRES, POSTGRES_URL, TEST_SECRET


@pytest.fixture
def bench_url(tmp_path):
    """A database of its own: the generator empties the one it is given."""
    if not ON_POSTGRES:
        yield f"sqlite:///{tmp_path / 'bench.sqlite'}"
        return
    name = f"bench_{uuid.uuid4().hex[:12]}"
    admin = create_engine(
        make_url(POSTGRES_URL).set(database="postgres"), isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


def test_small_generation_passes_recompute_check_and_audit_verify(bench_url, tmp_path, capsys):
    generate.main(
        ["--companies", "200", "--reviews", "3000", "--database-url", bench_url, "--no-write"]
    )
    assert "Loaded in" in capsys.readouterr().out
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": TEST_SECRET,
            "DATABASE_URL": bench_url,
            "SEARCH_INDEX_DIR": str(tmp_path / "index"),
        }
    )
    runner = app.test_cli_runner()
    check = runner.invoke(args=["scores", "recompute", "--check"])
    assert check.exit_code == 0, check.output
    verify = runner.invoke(args=["audit", "verify"])
    assert verify.exit_code == 0, verify.output
    assert "10 publication(s)" in verify.output
    with app.app_context():
        session = get_session()
        assert session.scalar(select(func.count()).select_from(Review)) == 3000
        assert session.scalar(select(func.count()).select_from(Publication)) == 10
        counts = session.scalars(
            select(CompanyStats.review_count).order_by(CompanyStats.company_id).limit(2)
        ).all()
        assert counts == [750, 10]  # the heavy page (a quarter here) and the 10-review one
        page = app.test_client().get("/companies/c2")
        assert page.status_code == 200 and "10 avis" in page.get_data(as_text=True)
    app.extensions["rating.engine"].dispose()
