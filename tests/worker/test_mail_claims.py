"""Mail sent at most once: claimed before sending, marked sent after; a claim has a lease."""

from datetime import timedelta

from sqlalchemy import select

from rating import mail
from rating.db import get_session, utcnow
from rating.models import OutboundMail


def queue(app, n: int) -> list[int]:
    with app.app_context():
        session = get_session()
        ids = [
            mail.queue_mail(session, to=f"r{i}@example.org", subject="S", template="reset",
                            user=None, link="L", minutes=30).id
            for i in range(n)
        ]  # fmt: skip
        session.commit()
    return ids


def deliver(app) -> tuple[int, int]:
    with app.app_context():
        return mail.deliver_pending(get_session())


def rows(app) -> dict[int, OutboundMail]:
    with app.app_context():
        return {m.id: m for m in get_session().scalars(select(OutboundMail))}


def claim(app, mail_id: int, minutes_ago: float) -> None:
    """What a worker killed while sending leaves: attempts + 1, claimed, not sent."""
    with app.app_context():
        session = get_session()
        row = session.get(OutboundMail, mail_id)
        row.attempts, row.claimed_at = 1, utcnow() - timedelta(minutes=minutes_ago)
        session.commit()


def test_a_message_claimed_by_a_live_worker_is_left_to_it(app, tmp_path):
    first, second = queue(app, 2)
    claim(app, first, minutes_ago=1)  # another worker is sending it (lease: 10 minutes)
    assert deliver(app) == (1, 0)
    sent = rows(app)
    assert sent[first].sent_at is None and sent[second].sent_at is not None
    assert len(list((tmp_path / "outbox").glob("*.eml"))) == 1


def test_a_claim_whose_worker_died_is_taken_again_after_the_lease(app, tmp_path):
    (mail_id,) = queue(app, 1)
    claim(app, mail_id, minutes_ago=11)
    assert deliver(app) == (1, 0)
    row = rows(app)[mail_id]
    assert row.sent_at is not None and row.attempts == 2
    assert deliver(app) == (0, 0)  # once recorded as sent, never again


def test_each_row_keeps_one_message_id(app, tmp_path):
    (mail_id,) = queue(app, 1)
    with app.app_context():
        row = get_session().get(OutboundMail, mail_id)
        first = mail._message(row, app.config)["Message-ID"]
        again = mail._message(row, app.config)["Message-ID"]
    assert first == again and first.startswith(f"<outbox.{mail_id}.") and "@localhost>" in first


def test_the_queue_length_counts_what_is_still_to_send(app):
    ids = queue(app, 3)
    with app.app_context():
        session = get_session()
        session.get(OutboundMail, ids[0]).attempts = mail.MAX_ATTEMPTS  # given up
        session.commit()
        assert mail.pending_count(session) == 2
