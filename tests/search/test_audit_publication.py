"""Publishing an audit queues its companies for search in the same transaction: after one
drain, the letter facet and the grade sort show the new grades and `search verify` passes."""

from sqlalchemy import func, select

from rating.models import SearchChange
from rating.outbox import queue_companies
from rating.search import drain_outbox, search_companies, verify
from tests.factories import World, full_rows


def test_a_publication_reaches_the_letter_facet_and_the_grade_sort(app, session, runner):
    w = World(session)
    sector, (good, poor) = w.sector_with(2, prefix="audit-recherche")
    author, reviewer = w.auditor(), w.auditor()
    queue_companies(session, [good.id, poor.id])
    session.commit()
    drain_outbox(app)
    assert verify(app).ok and search_companies("", letter="A").ids == []
    logged = session.scalar(select(func.count()).select_from(SearchChange))
    campaign = w.campaign(author, [sector], per_sector=2)
    rows = full_rows(good.slug) + full_rows(poor.slug, c=1, u=1, a=0)
    w.publish(campaign, author, reviewer, rows=rows)
    queued = session.scalar(select(func.count()).select_from(SearchChange))
    session.commit()
    assert queued - logged == 2  # written with the publication, not by a later rebuild
    drain_outbox(app)
    assert verify(app).ok
    assert runner.invoke(args=["search", "verify"]).exit_code == 0
    assert search_companies("", letter="A").ids == [good.id]
    assert search_companies("", letter="D").ids == [poor.id]
    result = search_companies("", sector=sector.slug, sort="grade")
    assert dict(result.facets["letter"]) == {"A": 1, "D": 1}
    assert result.ids == [good.id, poor.id]
