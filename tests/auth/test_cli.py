"""`flask users …`: staff accounts with a password printed once, roles, outbox, pruning."""

from datetime import timedelta

from sqlalchemy import select

from rating.db import get_session, utcnow
from rating.models import LoginAttempt, User
from tests.factories import make_user
from tests.helpers import login


def test_create_staff_account_prints_its_password_once(app, runner):
    result = runner.invoke(
        args=["users", "create", "--email", "Modo@Example.org", "--role", "moderator"]
    )
    assert result.exit_code == 0, result.output
    password = result.output.split("notez-le) : ")[1].strip()
    assert len(password) >= 20
    with app.app_context():
        user = get_session().scalar(select(User).where(User.email == "modo@example.org"))
        assert user.is_verified and user.has_role("moderator") and user.pseudonym == "modo"
        assert password not in (user.password_hash or "")
    assert login(app.test_client(), "modo@example.org", password).status_code == 302


def test_create_refuses_a_duplicate_with_a_clear_message(app, runner):
    args = ["users", "create", "--email", "admin@example.org", "--role", "admin"]
    assert runner.invoke(args=args).exit_code == 0
    again = runner.invoke(args=args)
    assert again.exit_code != 0
    assert "existe déjà" in again.output


def test_create_refuses_an_unknown_role_and_a_bad_address(runner):
    assert (
        runner.invoke(
            args=["users", "create", "--email", "a@example.org", "--role", "chef"]
        ).exit_code
        != 0
    )
    bad = runner.invoke(args=["users", "create", "--email", "pas-une-adresse", "--role", "admin"])
    assert bad.exit_code != 0 and "invalide" in bad.output


def test_shopper_account_and_pseudonym_option(app, runner):
    result = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "c@example.org",
            "--role",
            "shopper",
            "--pseudonym",
            "Cliente",
        ]
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = get_session().scalar(select(User).where(User.pseudonym == "Cliente"))
        assert user.roles == []


def test_grant_and_revoke(app, runner, db):
    make_user(db, email="aud@example.org")
    db.commit()
    assert runner.invoke(args=["users", "grant", "aud@example.org", "auditor"]).exit_code == 0
    with app.app_context():
        assert (
            get_session()
            .scalar(select(User).where(User.email == "aud@example.org"))
            .has_role("auditor")
        )
    assert runner.invoke(args=["users", "revoke", "aud@example.org", "auditor"]).exit_code == 0
    with app.app_context():
        assert (
            not get_session()
            .scalar(select(User).where(User.email == "aud@example.org"))
            .has_role("auditor")
        )
    assert runner.invoke(args=["users", "grant", "nobody@example.org", "auditor"]).exit_code != 0


def test_no_account_exists_before_one_is_created(app):
    with app.app_context():
        assert get_session().scalars(select(User)).all() == []


def test_prune_drops_old_attempts(app, runner, db):
    db.add(
        LoginAttempt(
            account_key="a", ip_key="b", succeeded=False, created_at=utcnow() - timedelta(days=2)
        )
    )
    db.add(LoginAttempt(account_key="a", ip_key="b", succeeded=False))
    db.commit()
    result = runner.invoke(args=["users", "prune"])
    assert result.exit_code == 0 and result.output.startswith("1 tentative")
    with app.app_context():
        assert len(get_session().scalars(select(LoginAttempt)).all()) == 1
