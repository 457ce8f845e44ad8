"""Pure rules of the declared profile: safe values, row merging, one change per field."""

import pytest

from rating.claims import declared
from rating.claims.declared import CentreData, Declared, PointData, RowInput, plan_rows
from rating.models.company import CONTACT_CHANNELS, PHONE_COSTS

PHONE = PointData("phone", "Service clients", "01 99 00 12 34", "9 h – 18 h", phone_cost="free")
FORM = PointData("email", "Formulaire", "https://www.bank.fr/contact")


def test_labels_cover_the_model_codes():
    assert set(declared.CHANNEL_LABELS) == set(CONTACT_CHANNELS)
    assert set(declared.PHONE_COST_LABELS) == set(PHONE_COSTS)


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("", True),
        ("https://www.mediateur.example", True),
        ("http://mediateur.example/saisir?x=1", True),
        ("javascript:alert(1)", False),
        ("JavaScript:alert(1)", False),
        ("ftp://mediateur.example", False),
        ("https://", False),
        ("//evil.example", False),
        ("www.mediateur.example", False),
        ("https://media teur.example", False),
    ],
)
def test_url_problem(url, ok):
    assert (declared.url_problem(url) is None) is ok


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("01 99 00 12 34", True),
        ("@Banque_Aide", True),
        ("Service clients, TSA 12345, 69000 Lyon Cedex", True),
        ("TSA: 12345", True),
        ("https://www.bank.fr/contact", True),
        ("javascript:alert(1)", False),
        (" javascript:alert(document.cookie)", False),
        ("java\tscript:alert(1)", False),
        ("java\u200bscript:alert(1)", False),
        ("data:text/html,<script>alert(1)</script>", False),
        ("vbscript:msgbox(1)", False),
        ("https:///sans-hote", False),
    ],
)
def test_value_problem(value, ok):
    assert (declared.value_problem(value) is None) is ok


@pytest.mark.parametrize(
    ("point", "fields"),
    [
        (PHONE, []),
        (FORM, []),
        (PointData("phone", "", "01 99 00 12 34"), ["phone_cost"]),
        (PointData("chat", "Chat", ""), ["value"]),
        (PointData("chat", "Chat", "javascript:alert(1)"), ["value"]),
    ],
)
def test_point_problems(point, fields):
    assert [f for f, _m in declared.point_problems(point)] == fields


def test_describe_point_and_centre():
    point = PointData("phone", "SAV", "0 800 12 34 56", "7 j/7", True, True, False, "free")
    text = declared.describe_point(point)
    assert text == "Téléphone — SAV : 0 800 12 34 56 ; 7 j/7 ; ouvert soir, samedi ; appel gratuit"
    assert declared.describe_centre(CentreData("Rabat", "Maroc", "français, arabe")) == (
        "Rabat (Maroc) — français, arabe"
    )


def test_diff_yields_one_change_per_changed_field():
    old = Declared("Banque.", "Médiateur", "https://m.example", (PHONE, FORM), ())
    assert declared.diff_declared(old, old) == []
    longer = PointData(**{**vars(PHONE), "hours": "8 h – 20 h", "open_evenings": True})
    new = Declared("Banque de détail.", "Médiateur", "", (longer, FORM), (CentreData("Lyon"),))
    changes = declared.diff_declared(old, new)
    assert [c.field for c in changes] == [
        "description", "mediator_url", "contact_points", "contact_centres",
    ]  # fmt: skip
    points = changes[2]
    assert "9 h – 18 h" in points.old and "8 h – 20 h ; ouvert soir" in points.new
    assert changes[1].new == "" and changes[3].old == ""


def test_plan_rows_updates_deletes_adds_and_keeps_what_the_form_did_not_show():
    existing = {1: "un", 2: "deux", 3: "trois", 4: "quatre"}
    plan = plan_rows(
        existing,
        [
            RowInput(2, "DEUX"),  # changed, moves first
            RowInput(1, "un"),
            RowInput(3, "trois", delete=True),
            RowInput(None, "cinq"),
            RowInput(None, None),  # a blank row
            RowInput(None, "six", delete=True),  # a new row ticked for deletion
        ],
    )
    assert plan.rows == [(2, "DEUX"), (1, "un"), (None, "cinq"), (4, "quatre")]
    assert plan.deleted == [3] and plan.changed == {2} and plan.unknown == []


@pytest.mark.parametrize("bad", [99, -1])
def test_plan_rows_reports_foreign_and_repeated_ids(bad):
    plan = plan_rows({1: "un"}, [RowInput(1, "un"), RowInput(bad, "volé"), RowInput(1, "bis")])
    assert plan.unknown == [bad, 1]
    assert plan.rows == [(1, "un")]


def test_clean_text_makes_a_resubmitted_textarea_identical():
    assert declared.clean_text("  Ligne 1\r\nLigne 2\r\n") == "Ligne 1\nLigne 2"
    assert declared.clean_text(None) == ""
