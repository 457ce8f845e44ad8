"""The app factory and its configuration rules."""

import pytest

from rating import create_app
from rating.config import check_secret, load_or_create_secret, settings_from_environment


def test_testing_config(app):
    assert app.testing


def test_healthz_answers_without_database(tmp_path):
    app = create_app(
        {"SECRET_KEY": "x" * 40, "DATABASE_URL": f"sqlite:///{tmp_path}/missing/db.sqlite"}
    )
    response = app.test_client().get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok"}


@pytest.mark.parametrize("key", ["short", "changeme", "secret", ""])
def test_production_refuses_weak_secret(key):
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        check_secret({"APP_ENV": "production", "SECRET_KEY": key})


def test_production_accepts_long_random_secret():
    check_secret({"APP_ENV": "production", "SECRET_KEY": "k" * 10 + "a9F3kLm2Qx7Zp0Rt5Vb8Wn1Yc4"})


def test_secret_generated_once_into_instance(tmp_path):
    key = load_or_create_secret(str(tmp_path))
    assert len(key) >= 32
    assert load_or_create_secret(str(tmp_path)) == key
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_environment_settings_are_typed():
    found = settings_from_environment(
        {"MAIL_PORT": "2525", "SESSION_COOKIE_SECURE": "true", "DATABASE_URL": "sqlite://"}
    )
    assert found["MAIL_PORT"] == 2525
    assert found["SESSION_COOKIE_SECURE"] is True
    assert found["SESSION_COOKIE_NAME"] == "__Host-session"
