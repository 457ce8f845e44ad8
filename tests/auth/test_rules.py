"""Pure account rules: safe `next`, password and pseudonym rules, limiter arithmetic."""

from datetime import UTC, datetime, timedelta

import pytest

from rating.auth.rules import (
    PASSWORD_MAX,
    common_passwords,
    normalise_email,
    password_problems,
    pseudonym_from_email,
    pseudonym_problems,
    retry_after,
    safe_next,
)

# Open-redirect corpus: every one must be refused (RELIABILITY gate: 0 bad URLs off-host).
BAD_NEXT = [
    "//evil.example",
    "///evil.example",
    "////evil.example",
    "//evil.example/account",
    "//evil.example:443/",
    "//user@evil.example",
    "//observatoire.example@evil.example",
    "/\\evil.example",
    "/\\/evil.example",
    "\\/evil.example",
    "\\\\evil.example",
    "\\evil.example",
    "/account\\..\\evil",
    "https://evil.example",
    "http://evil.example",
    "HTTPS://evil.example",
    "hTtP://evil.example/path",
    "https:evil.example",
    "http:/evil.example",
    "https:/\\evil.example",
    "ftp://evil.example",
    "javascript:alert(1)",
    "JavaScript:alert(document.cookie)",
    "java\tscript:alert(1)",
    "javascript://%0aalert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "mailto:victim@evil.example",
    "evil.example",
    "evil.example/account",
    "account",
    " //evil.example",
    "\t//evil.example",
    "\n//evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r\nLocation: https://evil.example",
    "\x00//evil.example",
    "/\x00/evil.example",
    "/\x7f/evil.example",
    "/\u200b/evil.example",
    "/\u202e/evil.example",
    "\u3000//evil.example",
    "%2F%2Fevil.example",
    "/" + "a" * 2001,
    "",
    None,
]
GOOD_NEXT = [
    "/",
    "/account",
    "/companies/acme-energie?onglet=avis#avis-12",
    "/search?q=banque%20en%20ligne",
    "/companies/caf%C3%A9-du-coin",
    "/companies/x/review",
]


def test_open_redirect_corpus_is_large_enough():
    assert len(BAD_NEXT) >= 40


@pytest.mark.parametrize("url", BAD_NEXT)
def test_unsafe_next_is_refused(url):
    assert safe_next(url) is None


@pytest.mark.parametrize("url", GOOD_NEXT)
def test_paths_on_this_site_are_kept(url):
    assert safe_next(url) == url


@pytest.mark.parametrize(
    ("password", "fragment"),
    [
        ("court", "au moins 8"),
        ("x" * (PASSWORD_MAX + 1), "au plus 128"),
        ("password", "trop courant"),
        ("azerty123", "trop courant"),
        ("AZERTY123", "trop courant"),
        ("motdepasse", "trop courant"),
        ("marseille", "trop courant"),
        ("soleil123", "trop courant"),
        ("camille@example.org", "adresse e-mail ou votre pseudonyme"),
        ("CamilleDupont", "adresse e-mail ou votre pseudonyme"),
    ],
)
def test_weak_passwords_are_refused_with_a_reason(password, fragment):
    problems = password_problems(password, email="Camille@example.org", pseudonym="camilledupont")
    assert problems and fragment in problems[0]


LONG_PASSPHRASE = ("le guichet de la gare ferme a midi le samedi " * 3)[:PASSWORD_MAX]


@pytest.mark.parametrize("password", ["une phrase assez longue", LONG_PASSPHRASE, "Tr0ub4dour&3!x"])
def test_good_passwords_pass(password):
    assert password_problems(password, email="camille@example.org", pseudonym="camille") == []


@pytest.mark.parametrize(
    "password",
    [
        "aaaaaaaa",
        "abcdefgh",
        "x" * PASSWORD_MAX,  # a repetition, however long
        "observatoire",
        "Observatoire2026",
        "Observatoire du service client",
        "observatoire-avis",
        "camille1990",  # the pseudonym and a year
        "exemple.fr2024",  # the address's domain
    ],
)
def test_guessable_passwords_are_refused_with_a_french_reason(password):
    """zxcvbn, with the site's words and the account's own as user inputs."""
    problems = password_problems(password, email="camille@exemple.fr", pseudonym="camille")
    assert problems and "trop facile à deviner" in problems[0]


def test_look_alike_addresses_are_one_address():
    """NFKC, IDNA (UTS 46) for the domain, lower case: full-width letters and the
    ideographic full stop are the very same address."""
    assert normalise_email(" ｍｅ@ｅｘａｍｐｌｅ．ｏｒｇ ") == "me@example.org"
    assert normalise_email("ME@example。org") == "me@example.org"
    assert normalise_email("Me@EXÄMPLE.fr") == normalise_email("me@xn--exmple-cua.fr")
    assert normalise_email("pas une adresse") == "pas une adresse"
    assert normalise_email("x@-mal-.org") == "x@-mal-.org"  # kept as typed, never a crash


def test_common_password_list_is_shipped_and_large():
    listed = common_passwords()
    assert len(listed) >= 10_000
    assert {"azertyuiop", "motdepasse", "marseille", "soleil123", "password"} <= listed


@pytest.mark.parametrize("pseudonym", ["Camille", "jean-luc.p", "élodie_42", "Zoé"])
def test_acceptable_pseudonyms(pseudonym):
    assert pseudonym_problems(pseudonym) == []


@pytest.mark.parametrize(
    "pseudonym",
    ["ab", "x" * 31, "-camille", "camille ", "ca mille", "<b>", "compte-supprime-3", "Admin"],
)
def test_refused_pseudonyms(pseudonym):
    assert pseudonym_problems(pseudonym)


@pytest.mark.parametrize(
    ("email", "expected"),
    [("Jean.Dupont@example.org", "jean-dupont"), ("é@x.fr", "membre-e"), ("a+b@x.fr", "a-b")],
)
def test_pseudonym_from_email(email, expected):
    assert pseudonym_from_email(email) == expected
    assert not pseudonym_problems(expected) or expected.startswith("membre")


NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def ago(seconds: int) -> datetime:
    return NOW - timedelta(seconds=seconds)


def test_retry_after_waits_until_the_oldest_counted_failure_leaves_the_window():
    times = [ago(5), ago(10), ago(20), ago(30), ago(50)]
    assert retry_after(times, limit=5, window=timedelta(minutes=1), now=NOW) == 11
    assert retry_after(times[:4], limit=5, window=timedelta(minutes=1), now=NOW) is None
    assert retry_after([*times[:4], ago(61)], limit=5, window=timedelta(minutes=1), now=NOW) is None
