"""One vocabulary: the CHECK constraints, the forms, the rules and OpenAPI use its codes,
and every label has its English translation."""

from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from rating import vocabulary
from rating.api.openapi import GRADES_CSV_COLUMNS, TESTS_CSV_COLUMNS
from rating.api.schemas import SCHEMAS
from rating.audit import methodology
from rating.claims.forms import ContactPointForm
from rating.models import AuditTest, ContactPoint, Review
from rating.moderation.forms import DecisionForm
from rating.msgids import Message
from rating.reviews import rules
from rating.reviews.community import SORTS
from rating.reviews.forms import FilterForm, ReportForm, ReviewForm

CATALOG = Path(__file__).resolve().parents[1] / "rating/translations/en/LC_MESSAGES/messages.po"


def check_values(table, name: str) -> set[str]:
    """The quoted values of the named CHECK constraint of a table."""
    (text,) = [str(c.sqltext) for c in table.constraints if c.name and c.name.endswith(name)]
    inside = text[text.index(" IN (") + 5 : text.rindex(")")]
    return {value.strip().strip("'") for value in inside.split(",")}


@pytest.mark.parametrize(
    ("table", "name", "codes"),
    [
        (Review.__table__, "channel_known", vocabulary.CHANNELS),
        (Review.__table__, "status_known", vocabulary.REVIEW_STATUSES),
        (Review.__table__, "solved_known", vocabulary.SOLVED),
        (Review.__table__, "origin_known", vocabulary.ORIGINS),
        (Review.__table__, "phone_cost_known", vocabulary.PHONE_COSTS),
        (ContactPoint.__table__, "channel_known", vocabulary.CHANNELS),
        (ContactPoint.__table__, "phone_cost_known", vocabulary.CONTACT_PHONE_COSTS),
        (AuditTest.__table__, "channel_known", vocabulary.AUDIT_CHANNELS),
    ],
)
def test_check_constraints_hold_the_vocabulary(table, name, codes):
    assert check_values(table, name) == set(codes)


def test_criteria_columns_and_groups():
    assert set(vocabulary.CRITERIA) == {
        name for names in vocabulary.ASPECT_CRITERIA.values() for name in names
    }
    for name in vocabulary.CRITERIA:
        assert name in Review.__table__.columns


def choice_values(unbound_field) -> set[str]:
    return {c.value for c in unbound_field.kwargs["choices"]} - {""}


@pytest.mark.parametrize(
    ("field", "codes"),
    [
        (ReviewForm.channel, vocabulary.CHANNELS),
        (ReviewForm.solved, vocabulary.SOLVED),
        (ReviewForm.phone_cost, vocabulary.PHONE_COSTS),
        (ReportForm.reason, vocabulary.REPORT_REASONS),
        (FilterForm.channel, vocabulary.CHANNELS),
        (FilterForm.aspect, vocabulary.ASPECTS),
        (FilterForm.sort, vocabulary.REVIEW_SORTS),
        (DecisionForm.reason, vocabulary.REFUSAL_REASONS),
        (ContactPointForm.channel, vocabulary.CHANNELS),
        (ContactPointForm.phone_cost, vocabulary.CONTACT_PHONE_COSTS),
    ],
)
def test_form_choices_are_the_vocabulary(field, codes):
    assert choice_values(field) == set(codes)


def test_rules_and_queries_use_the_vocabulary():
    assert rules.CHANNELS is vocabulary.CHANNELS and rules.CRITERIA is vocabulary.CRITERIA
    assert set(SORTS) == set(vocabulary.REVIEW_SORTS)
    assert methodology.CHANNELS == tuple(vocabulary.AUDIT_CHANNELS)


def test_openapi_enums_and_open_data_columns():
    review = SCHEMAS["Review"]["properties"]
    assert review["channel"]["enum"] == list(vocabulary.CHANNELS)
    assert review["solved"]["enum"] == list(vocabulary.SOLVED)
    assert review["origin"]["enum"] == list(vocabulary.ORIGINS)
    measures, said = len(vocabulary.TEST_MEASURES), len(vocabulary.TEST_CALL_FIELDS)
    assert TESTS_CSV_COLUMNS[4 : 4 + measures] == list(vocabulary.TEST_MEASURES)
    assert TESTS_CSV_COLUMNS[4 + measures :] == list(vocabulary.TEST_CALL_FIELDS)
    assert len(TESTS_CSV_COLUMNS) == 4 + measures + said
    assert GRADES_CSV_COLUMNS[-len(vocabulary.GRADE_KPIS) :] == list(vocabulary.GRADE_KPIS)


def test_every_label_has_an_english_translation():
    with CATALOG.open("rb") as source:
        catalog = read_po(source, locale="en")
    for kind, labels in vocabulary.LABELS.items():
        for code, label in labels.items():
            context = label.context if isinstance(label, Message) else None
            message = catalog.get(label, context=context)
            assert message is not None and message.string, (kind, code, label)
            assert not message.fuzzy, (kind, code, label)
