"""Account rules with no Flask or database: passwords, pseudonyms, safe `next`, login limits."""

import math
import re
import unicodedata
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

import idna
from zxcvbn import zxcvbn

from rating.msgids import N_

PASSWORD_MIN = 8
PASSWORD_MAX = 128
PSEUDONYM_MIN = 3
PSEUDONYM_MAX = 30
# Letters (accents included), digits, and . _ - between them; no spaces, no look-alikes of staff.
PSEUDONYM_RE = re.compile(r"^[^\W_](?:[\w.-]*[^\W_])?$")
RESERVED_PSEUDONYM_PREFIXES = (
    "compte-supprime",
    "comptesupprime",
    "admin",
    "moderat",
    "observatoire",
)
DELETED_PSEUDONYM = "compte-supprime-{id}"
# zxcvbn's 0..4: 3 is "safely unguessable" (about 10^8 guesses), what a leaked hash needs.
PASSWORD_MIN_SCORE = 3
# The site's own words: a password made of them is among an attacker's first guesses here.
SITE_WORDS = (
    "observatoire",
    "observatoire du service client",
    "service client",
    "servicesclients",
    "avis",
    "accueil",
    "sav",
    "note",
    "audit",
)
COMMON_PASSWORDS_FILE = Path(__file__).resolve().parent.parent / "data" / "common_passwords.txt"

DELAY_BASE = timedelta(seconds=30)
DELAY_CAP = timedelta(minutes=15)
MINUTE = timedelta(minutes=1)
HOUR = timedelta(hours=1)


# Full stops a browser or a keyboard may put in a domain (IDNA maps them to ".").
DOT_LIKES = str.maketrans({"\u3002": ".", "\uff0e": ".", "\uff61": "."})


def normalise_email(email: str | None) -> str:
    """The form under which an address is stored and compared, so that a look-alike
    (full-width letters, an ideographic full stop, another case) is the same address:
    NFKC, trimmed, lower case, and the domain through IDNA (UTS 46) in its Unicode form.
    """
    text = unicodedata.normalize("NFKC", email or "").strip().lower()
    local, at, domain = text.rpartition("@")
    if not at:
        return text
    domain = domain.translate(DOT_LIKES)
    try:
        domain = idna.decode(idna.encode(domain, uts46=True))
    except (idna.IDNAError, UnicodeError):
        pass  # not a valid domain: kept as typed (folded); the form's validator refuses it
    return f"{local}@{domain}"


@cache
def common_passwords(path: Path = COMMON_PASSWORDS_FILE) -> frozenset[str]:
    """The shipped list of common passwords, lower case (read once per process)."""
    with open(path, encoding="utf-8") as handle:
        return frozenset(
            line.strip() for line in handle if line.strip() and not line.startswith("#")
        )


def password_problems(password: str, *, email: str = "", pseudonym: str = "") -> list[str]:
    """French reasons why `password` is refused; an empty list when it is acceptable."""
    if len(password) < PASSWORD_MIN:
        return [
            N_(
                "Le mot de passe doit compter au moins %(password_min)s caractères.",
                password_min=PASSWORD_MIN,
            )
        ]
    if len(password) > PASSWORD_MAX:
        return [
            N_(
                "Le mot de passe doit compter au plus %(password_max)s caractères.",
                password_max=PASSWORD_MAX,
            )
        ]
    folded = password.strip().lower()
    address = normalise_email(email)
    local, _, domain = address.partition("@")
    personal = {address, local, pseudonym.lower()}
    if folded in personal - {""}:
        return [
            N_("Le mot de passe ne doit pas reprendre votre adresse e-mail ou votre pseudonyme.")
        ]
    if folded in common_passwords():
        return [
            N_(
                "Ce mot de passe est trop courant : choisissez-en un autre, "
                "plus long ou moins connu."
            )
        ]
    letters = "".join(c for c in fold(password) if c.isalnum())
    site = {"".join(c for c in word if c.isalnum()) for word in SITE_WORDS}
    inputs = [*SITE_WORDS, *personal - {""}, domain, *domain.split(".")]
    if letters in site or zxcvbn(password[:72], user_inputs=inputs)["score"] < PASSWORD_MIN_SCORE:
        return [
            N_(
                "Ce mot de passe est trop facile à deviner (suite ou répétition de caractères, "
                "mot courant, nom du site, date, pseudonyme ou adresse) : choisissez par "
                "exemple une phrase de quatre mots ou plus."
            )
        ]
    return []


def pseudonym_problems(pseudonym: str) -> list[str]:
    """French reasons why `pseudonym` cannot be used (uniqueness is checked by the service)."""
    if not PSEUDONYM_MIN <= len(pseudonym) <= PSEUDONYM_MAX:
        return [
            N_(
                "Le pseudonyme doit compter entre %(low)s et %(high)s caractères.",
                low=PSEUDONYM_MIN,
                high=PSEUDONYM_MAX,
            )
        ]
    if not PSEUDONYM_RE.match(pseudonym):
        return [
            N_(
                "Le pseudonyme peut contenir des lettres, des chiffres, des points, tirets et "
                "soulignés, et doit commencer et finir par une lettre ou un chiffre."
            )
        ]
    folded = fold(pseudonym)
    if folded.startswith(RESERVED_PSEUDONYM_PREFIXES):
        return [N_("Ce pseudonyme est réservé : choisissez-en un autre.")]
    return []


def fold(text: str) -> str:
    """Lower case without accents, for comparisons that should ignore both."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def pseudonym_from_email(email: str) -> str:
    """A pseudonym proposal from an address's local part (for staff created by the CLI)."""
    local = fold(normalise_email(email).split("@")[0])
    cleaned = re.sub(r"[^a-z0-9]+", "-", local).strip("-")[:PSEUDONYM_MAX]
    return cleaned if len(cleaned) >= PSEUDONYM_MIN else f"membre-{cleaned}".strip("-")


def safe_next(url: str | None) -> str | None:
    """`url` when it is a path on this site, else None (no open redirect).

    Browsers drop leading blanks and controls, read a backslash as a slash and treat
    `//host` as another site, so any of these, any scheme and any host are refused. The
    same checks run on the percent-decoded and NFKC forms too (`/%2F/host`, `/／host`): a
    proxy or a later redirect that decodes or folds it must not find another site either.
    """
    if not url or not isinstance(url, str) or len(url) > 2000:
        return None
    if any(c.isspace() or unicodedata.category(c) in ("Cc", "Cf") for c in url):
        return None
    decoded = unquote(url)
    for form in (url, decoded, unicodedata.normalize("NFKC", decoded)):
        if "\\" in form or not form.startswith("/") or form.startswith("//"):
            return None
        parts = urlsplit(form)
        if parts.scheme or parts.netloc:
            return None
    if any(unicodedata.category(c) in ("Cc", "Cf") for c in decoded):
        return None
    return url


def retry_after(
    times: list[datetime], *, limit: int, window: timedelta, now: datetime
) -> int | None:
    """Seconds to wait when `limit` events (newest first) already fall in `window`, else None."""
    recent = [t for t in times if t > now - window]
    if len(recent) < limit:
        return None
    oldest_counted = sorted(recent, reverse=True)[limit - 1]
    return max(1, int((oldest_counted + window - now).total_seconds()) + 1)


def growing_delay(
    failures: list[datetime], *, free: int, now: datetime, window: timedelta = HOUR
) -> int | None:
    """Seconds to wait after `free` failures in `window`: DELAY_BASE, doubled by each further
    failure, at most DELAY_CAP, counted from the latest one; None when nothing to wait.

    A delay and never a lock: whoever hammers an account only slows it down, and the owner's
    browser that signed in before (its device cookie) is not subject to it at all.
    """
    recent = [t for t in failures if t > now - window]
    if len(recent) < free:
        return None
    doublings = min(len(recent) - free, 16)
    delay = min(DELAY_BASE * 2**doublings, DELAY_CAP)
    waits_until = max(recent) + delay
    if waits_until <= now:
        return None
    return max(1, math.ceil((waits_until - now).total_seconds()))


def episode_start(failures: list[datetime], *, gap: timedelta = HOUR) -> datetime | None:
    """The first of the latest run of failures (newest first) with no pause of `gap` or more:
    one "attack episode", so that its owner is told once, not at every failure."""
    start = None
    for moment in failures:
        if start is not None and start - moment >= gap:
            break
        start = moment
    return start
