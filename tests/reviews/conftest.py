"""Builders shared by the reviews and moderation tests."""

from datetime import date, timedelta

import pytest

from rating.reviews.rules import ReviewDraft

BODY = "J'ai appelé le service client trois fois avant d'avoir quelqu'un de compétent."


def draft(**overrides) -> ReviewDraft:
    fields = {
        "channel": "phone",
        "experience_date": date.today() - timedelta(days=5),
        "stars": 4,
        "solved": "yes",
        "title": "Service correct",
        "body": BODY,
        "own_experience": True,
        "criteria": {"reachability": 2, "courtesy": 4, "resolution": 5},
        "hold_minutes": 12,
    }
    fields.update(overrides)
    return ReviewDraft(**fields)


@pytest.fixture
def make_draft():
    return draft
