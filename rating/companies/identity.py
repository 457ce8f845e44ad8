"""How a company is recognised: its SIREN and its website's domain, typed by anyone.

One home for the rules the admin forms, the suggestions and their duplicate check share.
Pure: no Flask, no database.
"""

import re
from urllib.parse import urlsplit

from ..models.checks import luhn_valid
from ..msgids import N_

BAD_SIREN = N_("Le SIREN compte 9 chiffres et sa clé de contrôle (Luhn) doit être juste.")
BAD_DOMAIN = N_("Indiquez une adresse de site, par exemple exemple.fr.")
_SPACES = re.compile(r"[\s.\u00a0\u202f-]+")
_DOMAIN = re.compile(r"^(?=.{4,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


class IdentityError(ValueError):
    """A SIREN or a website the rules refuse; `message` is the French msgid to show."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def normalise_siren(text: str | None) -> str | None:
    """'552 081 317' → '552081317'; None when empty; IdentityError when not a valid SIREN."""
    digits = _SPACES.sub("", text or "")
    if not digits:
        return None
    if not luhn_valid(digits):
        raise IdentityError(BAD_SIREN)
    return digits


def normalise_domain(text: str | None) -> str | None:
    """'https://www.Exemple.fr/aide' → 'exemple.fr'; None when empty; IdentityError else."""
    text = (text or "").strip().lower()
    if not text:
        return None
    if "://" not in text:
        text = "//" + text
    try:
        host = urlsplit(text).hostname or ""
    except ValueError:
        raise IdentityError(BAD_DOMAIN) from None
    host = host.removeprefix("www.").rstrip(".")
    try:
        host = host.encode("idna").decode("ascii")
    except UnicodeError:
        raise IdentityError(BAD_DOMAIN) from None
    if not _DOMAIN.match(host):
        raise IdentityError(BAD_DOMAIN)
    return host
