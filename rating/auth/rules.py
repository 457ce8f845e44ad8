"""Account rules with no Flask or database: passwords, pseudonyms, safe `next`, login limits."""

import re
import unicodedata
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

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
COMMON_PASSWORDS_FILE = Path(__file__).resolve().parent.parent / "data" / "common_passwords.txt"

SOFT_LOCK = timedelta(minutes=15)
MINUTE = timedelta(minutes=1)
HOUR = timedelta(hours=1)


def normalise_email(email: str) -> str:
    """The form under which an address is stored and compared: trimmed, lower case."""
    return (email or "").strip().lower()


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
    personal = {normalise_email(email), normalise_email(email).split("@")[0], pseudonym.lower()}
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


def lock_retry_after(
    failures: list[datetime], *, limit: int, now: datetime, lock: timedelta = SOFT_LOCK
) -> int | None:
    """Soft lock: `limit` failures in the last hour lock the account `lock` after the latest."""
    recent = [t for t in failures if t > now - HOUR]
    if len(recent) < limit:
        return None
    unlocks_at = max(recent) + lock
    if unlocks_at <= now:
        return None
    return max(1, int((unlocks_at - now).total_seconds()) + 1)
