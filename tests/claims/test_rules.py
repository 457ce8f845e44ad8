"""Pure claim rules: domain proof (look-alikes refused), decisions, invitations."""

from datetime import UTC, datetime, timedelta

import pytest

from rating.claims import rules

T0 = datetime(2026, 3, 1, 12, tzinfo=UTC)


@pytest.mark.parametrize(
    ("email", "website", "expected"),
    [
        ("user@bank.fr", "bank.fr", True),
        ("user@mail.bank.fr", "bank.fr", True),
        ("User@Mail.BANK.FR", "Bank.fr", True),
        ("  user@bank.fr ", "bank.fr", True),
        ("user@bank.fr.", "bank.fr", True),
        ("user@bank.fr", "www.bank.fr", True),
        ("user@bank.fr", "https://www.bank.fr/contact", True),
        ("user@evilbank.fr", "bank.fr", False),
        ("user@bank.fr.evil.example", "bank.fr", False),
        ("user@bank-fr.example", "bank.fr", False),
        ("user@bank.com", "bank.fr", False),
        ('"x@bank.fr"@evil.example', "bank.fr", False),
        ("user@b\u0430nk.fr", "bank.fr", False),  # Cyrillic a
        ("user@xn--bnk-7cd.fr", "bank.fr", False),
        ("user@bank.fr", None, False),
        ("user@bank.fr", "", False),
        ("user@fr", "fr", False),  # a bare top-level domain proves nothing
        ("bank.fr", "bank.fr", False),
        ("@bank.fr", "bank.fr", False),
        ("client@orange.fr", "orange.fr", False),  # the provider's customers, not its staff
        ("client@free.fr", "www.free.fr", False),
        ("salarie@orange.com", "orange.com", True),
    ],
)
def test_domain_matches(email, website, expected):
    assert rules.domain_matches(email, website) is expected


@pytest.mark.parametrize(
    ("email", "website", "previous", "expected"),
    [
        ("jean@bank.fr", "bank.fr", None, "domain"),
        ("jean@bank.fr", "bank.fr", "left", "domain"),
        ("jean@bank.fr", "bank.fr", "refused", "domain"),
        ("jean@bank.fr", "bank.fr", "revoked", "admin"),  # only an admin undoes a revocation
        ("jean@evilbank.fr", "bank.fr", None, "admin"),
    ],
)
def test_claim_method(email, website, previous, expected):
    assert rules.claim_method(email, website, previous) == expected


@pytest.mark.parametrize(
    ("text", "method", "fragment"),
    [
        ("", "admin", "Expliquez votre rôle"),
        ("Je travaille là.", "admin", "au moins 30 caractères"),
        ("x" * 30, "admin", None),
        ("", "domain", None),
        ("x" * (rules.JUSTIFICATION_MAX + 1), "domain", "au plus"),
    ],
)
def test_justification(text, method, fragment):
    problem = rules.justification_problem(text, method)
    assert (problem is None) if fragment is None else (fragment in problem)


@pytest.mark.parametrize(
    ("status", "expected"),
    [("active", rules.ALREADY_ACTIVE), ("pending", rules.ALREADY_PENDING), ("refused", None),
     ("left", None), ("revoked", None), (None, None)],
)  # fmt: skip
def test_existing_claim(status, expected):
    assert rules.existing_claim_message(status) == expected


@pytest.mark.parametrize(
    ("decision", "status", "reason", "own", "expected"),
    [
        ("accept", "pending", "", False, []),
        ("refuse", "pending", "Aucun lien démontré avec l'entreprise", False, []),
        ("refuse", "pending", "", False, ["reason"]),
        ("refuse", "pending", "non", False, ["reason"]),
        ("revoke", "active", "", False, ["reason"]),
        ("revoke", "active", "Départ de l'entreprise", False, []),
        ("accept", "active", "", False, [""]),
        ("refuse", "refused", "déjà fait", False, [""]),
        ("revoke", "pending", "motif valable", False, [""]),
        ("accept", "pending", "", True, [""]),  # four eyes
        ("publish", "pending", "", False, ["decision"]),
        ("accept", "pending", "x" * (rules.REASON_MAX + 1), False, ["reason"]),
    ],
)
def test_decision_problems(decision, status, reason, own, expected):
    problems = rules.decision_problems(decision, status=status, reason=reason, own_claim=own)
    assert [field for field, _message in problems] == expected


@pytest.mark.parametrize(
    ("matches", "inviter", "status", "decided", "expected"),
    [
        (True, True, None, None, None),
        (False, True, None, None, rules.WRONG_EMAIL),
        (True, False, None, None, rules.INVITER_GONE),
        (True, False, "active", T0, None),  # a replay by a member changes nothing
        (True, True, "pending", None, None),
        (True, True, "revoked", T0 - timedelta(days=1), rules.REVOKED),
        (True, True, "left", T0 + timedelta(hours=1), rules.SUPERSEDED),
        (True, True, "left", T0 - timedelta(hours=1), None),  # invited again after leaving
        (True, True, "refused", T0 + timedelta(hours=1), rules.SUPERSEDED),
    ],
)
def test_invitation_problem(matches, inviter, status, decided, expected):
    problem = rules.invitation_problem(
        email_matches=matches, inviter_active=inviter, status=status,
        decided_at=decided, issued_at=T0,
    )  # fmt: skip
    assert problem == expected


@pytest.mark.parametrize(
    ("delta", "label"),
    [(timedelta(minutes=5), "moins d'une heure"), (timedelta(hours=1), "1 heure"),
     (timedelta(hours=30), "30 heures"), (timedelta(days=3, hours=2), "3 jours")],
)  # fmt: skip
def test_age_label(delta, label):
    assert rules.age_label(delta) == label
