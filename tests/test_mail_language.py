"""Every mail is written in its recipient's language: account, claim and DSA mails included."""

import re
from pathlib import Path

from sqlalchemy import select

from rating.auth import services as auth_services
from rating.models import OutboundMail
from tests.factories import World

MAIL_TEMPLATES = Path(__file__).resolve().parents[1] / "templates" / "mail"
JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}")
WORD = re.compile(r"[^\W\d_]{2,}")  # outside Jinja, a word is French whatever the language


def test_no_mail_template_holds_untranslated_text():
    bare = {
        path.name: [
            line
            for line in path.read_text(encoding="utf-8").splitlines()
            if WORD.search(JINJA.sub("", line))
        ]
        for path in sorted(MAIL_TEMPLATES.glob("*.txt"))
    }
    assert {name: lines for name, lines in bare.items() if lines} == {}


def _reset_mails(session, user):
    return session.scalars(
        select(OutboundMail).where(OutboundMail.user_id == user.id).order_by(OutboundMail.id)
    ).all()


def test_a_reset_mail_in_english_for_an_english_speaker_and_french_otherwise(app, session):
    w = World(session)
    english = w.user(email="reader@example.org", pseudonym="Reader", locale="en")
    french = w.user(email="lectrice@example.org", pseudonym="Lectrice")
    w.commit()
    with app.test_request_context():
        auth_services.request_reset(session, "reader@example.org")
        auth_services.request_reset(session, "lectrice@example.org")
    (mail,) = _reset_mails(session, english)
    assert mail.subject == "Resetting your password"
    assert "Hello Reader," in mail.body and "Open this link" in mail.body
    assert "Bonjour" not in mail.body and "valable" not in mail.body
    (mail,) = _reset_mails(session, french)
    assert mail.subject == "Réinitialisation de votre mot de passe"
    assert "Bonjour Lectrice," in mail.body and "ne sert qu'une fois" in mail.body


def test_the_hourly_reset_limit_counts_mails_written_in_english_too(app, session):
    w = World(session)
    english = w.user(email="reader@example.org", locale="en")
    w.commit()
    with app.test_request_context():
        for _ in range(auth_services.RESET_MAILS_PER_HOUR + 2):
            auth_services.request_reset(session, "reader@example.org")
    assert len(_reset_mails(session, english)) == auth_services.RESET_MAILS_PER_HOUR
