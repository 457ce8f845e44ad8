"""The search log's rules, on a session: positions, pruning, progress of a tagged run."""

from datetime import timedelta

from sqlalchemy import select, update

from rating.db import utcnow
from rating.models import SearchChange
from rating.outbox import queue_companies
from rating.search import changes


def logged(session) -> list[changes.Position]:
    rows = session.execute(select(SearchChange.txid, SearchChange.id).order_by("txid", "id"))
    return [changes.Position(r.txid, r.id) for r in rows]


def test_pruning_keeps_what_any_registered_index_has_not_passed(session):
    now = utcnow()
    queue_companies(session, [1, 2, 3])
    session.commit()
    first, second, third = logged(session)
    for name, position in (("a", third), ("b", first)):
        changes.reset(session, name, position, now)
    assert changes.prune(session, now) == changes.Pruned(1, [])
    assert logged(session) == [second, third]
    assert changes.pending(session, first, 10)[0].company_id == 2  # what b applies next
    assert changes.forget(session, "b") and not changes.forget(session, "b")
    assert changes.prune(session, now).deleted == 2 and logged(session) == []
    queue_companies(session, [4])  # after a full prune, new changes still come after
    assert logged(session)[0] > third


def test_changes_older_than_seven_days_go_and_their_laggards_must_rebuild(session):
    now = utcnow()
    queue_companies(session, [1, 2])
    session.commit()
    first, second = logged(session)
    changes.reset(session, "late", changes.START, now)
    changes.reset(session, "ahead", second, now)
    session.execute(update(SearchChange).values(created_at=now - timedelta(days=8)))
    assert changes.prune(session, now) == changes.Pruned(2, ["late"])
    assert changes.get_cursor(session, "late").needs_rebuild
    assert not changes.get_cursor(session, "ahead").needs_rebuild
    changes.reset(session, "late", second, now)  # what a rebuild does
    assert not changes.get_cursor(session, "late").needs_rebuild


def test_progress_counts_the_changes_of_one_source_behind_the_cursor(session):
    now = utcnow()
    assert queue_companies(session, [5, 6, 5], source="sirene:1") == 2  # each company once
    queue_companies(session, [7])
    queue_companies(session, [8], source="sirene:1")
    session.commit()
    positions = logged(session)
    changes.reset(session, "here", changes.START, now)
    assert changes.applied_of(session, "here", "sirene:1", 3) == 0
    changes.advance(session, "here", positions[2], now)  # past 5, 6 and 7
    assert changes.applied_of(session, "here", "sirene:1", 3) == 2
    changes.advance(session, "here", positions[0], now)  # never backwards
    assert changes.position_of(changes.get_cursor(session, "here")) == positions[2]
    lag = changes.lag(session, "here")
    assert (lag.behind, lag.head, lag.cursor) == (1, positions[3], positions[2])
