"""Claim rules with no Flask or database: domain proof, who decides what, invitation validity.

The rules for what a company declares (its profile) are in `declared.py`, pure as well.
"""

import re
from datetime import datetime, timedelta

import idna

from rating.auth.rules import normalise_email
from rating.msgids import N_

JUSTIFICATION_MIN = 30
JUSTIFICATION_MAX = 2000
REASON_MIN = 5
REASON_MAX = 1000
INVITATION_DAYS = 7
INVITATION_MAX_AGE = INVITATION_DAYS * 24 * 3600  # seconds

# An address at one of these proves nothing about working for the company: customers of
# Orange, Free, SFR or La Poste get a mailbox at the very domain of the company's website.
CONSUMER_MAIL_DOMAINS = frozenset(
    """
    gmail.com googlemail.com outlook.com outlook.fr hotmail.com hotmail.fr live.com live.fr
    msn.com yahoo.com yahoo.fr ymail.com icloud.com me.com mac.com aol.com aol.fr gmx.com gmx.fr
    orange.fr wanadoo.fr free.fr sfr.fr neuf.fr cegetel.net bbox.fr laposte.net
    numericable.fr club-internet.fr voila.fr proton.me protonmail.com mailo.com
    """.split()
)
# One DNS label in ASCII (IDN domains arrive as xn--…): no look-alike letter can match.
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")

ALREADY_ACTIVE = N_("Vous représentez déjà cette entreprise.")
ALREADY_PENDING = (
    "Votre demande pour cette entreprise est déjà en attente : un administrateur l'examinera."
)
OWN_CLAIM = "Un autre administrateur doit examiner votre propre demande."
ALREADY_DECIDED = "Cette demande a déjà été traitée."
NOT_ACTIVE = "Cette personne ne représente plus l'entreprise."
WRONG_EMAIL = (
    "Cette invitation a été envoyée à une autre adresse e-mail que celle de votre compte. "
    "Connectez-vous avec le compte de l'adresse invitée (ou créez-le avec cette adresse)."
)
INVITER_GONE = (
    "La personne qui vous a invité ne représente plus cette entreprise : ce lien n'est plus "
    "valable. Demandez une nouvelle invitation à un autre représentant."
)
REVOKED = (
    "Votre accès à cette entreprise a été retiré par un administrateur : seule une nouvelle "
    "demande, examinée par un administrateur, peut le rétablir."
)
SUPERSEDED = (
    "Ce lien a été envoyé avant votre dernier départ de l'équipe : il n'est plus valable. "
    "Demandez une nouvelle invitation."
)

# decision → (status required before, status after)
DECISIONS = {
    "accept": ("pending", "active"),
    "refuse": ("pending", "refused"),
    "revoke": ("active", "revoked"),
}
DECISION_LABELS = {"accept": "Accepter", "refuse": "Refuser", "revoke": "Retirer l'accès"}
NEEDS_REASON = ("refuse", "revoke")
METHOD_LABELS = {
    "domain": "adresse e-mail au domaine de l'entreprise",
    "admin": "validée par un administrateur",
    "invitation": "invitation d'un collègue",
}
STATUS_LABELS = {
    "pending": "en attente",
    "active": "active",
    "refused": "refusée",
    "revoked": "retirée",
    "left": "partie",
}


def _host(text: str) -> str | None:
    text = text.strip().lower().rstrip(".")
    labels = text.split(".")
    if len(labels) < 2 or not all(_LABEL.match(label) for label in labels):
        return None
    return text


def email_domain(email: str | None) -> str | None:
    """The domain of an address ('a@Mail.Bank.fr' → 'mail.bank.fr'); None when malformed.

    The last '@' counts: in '"x@bank.fr"@evil.example' the mailbox is at evil.example.
    """
    local, at, domain = normalise_email(email).rpartition("@")
    if not at or not local:
        return None
    try:  # the stored form of an IDN domain is Unicode; its DNS labels are ASCII
        domain = idna.encode(domain, uts46=True).decode("ascii")
    except (idna.IDNAError, UnicodeError):
        return None
    return _host(domain)


def website_host(website_domain: str | None) -> str | None:
    """'https://www.Bank.fr/contact' → 'bank.fr': the company's domain, without 'www.'."""
    text = (website_domain or "").strip().lower()
    if "://" in text:
        text = text.split("://", 1)[1]
    text = text.split("/", 1)[0].split("?", 1)[0].split(":", 1)[0]
    if text.startswith("www."):
        text = text[4:]
    return _host(text)


def _within(host: str, domain: str) -> bool:
    # 'mail.bank.fr' is within 'bank.fr'; 'evilbank.fr' is not (the dot is required).
    return host == domain or host.endswith("." + domain)


def is_consumer_mailbox(email: str | None) -> bool:
    """True for webmail and internet-provider addresses, which anyone can open."""
    host = email_domain(email)
    return host is not None and any(_within(host, d) for d in CONSUMER_MAIL_DOMAINS)


def domain_matches(email: str | None, website_domain: str | None) -> bool:
    """The address is at the company's domain or one of its subdomains (never a look-alike)."""
    host, company = email_domain(email), website_host(website_domain)
    if host is None or company is None or is_consumer_mailbox(email):
        return False
    return _within(host, company)


def claim_method(email: str | None, website_domain: str | None, previous: str | None) -> str:
    """ "domain" (accepted at once) or "admin" (queued).

    After an administrator revoked the access, only an administrator may give it back.
    """
    if previous != "revoked" and domain_matches(email, website_domain):
        return "domain"
    return "admin"


def existing_claim_message(status: str | None) -> str | None:
    """Why a new claim is not needed; None when the user may claim (again)."""
    if status == "active":
        return ALREADY_ACTIVE
    if status == "pending":
        return ALREADY_PENDING
    return None


def justification_problem(text: str, method: str) -> str | None:
    """French reason why the justification is refused; required only for the admin queue."""
    size = len(text.strip())
    if size > JUSTIFICATION_MAX:
        return f"La justification doit compter au plus {JUSTIFICATION_MAX} caractères."
    if method == "admin" and size == 0:
        return (
            "Expliquez votre rôle dans l'entreprise : votre adresse e-mail n'est pas à son "
            "domaine, un administrateur doit vérifier votre demande."
        )
    if method == "admin" and size < JUSTIFICATION_MIN:
        return (
            f"La justification doit compter au moins {JUSTIFICATION_MIN} caractères "
            "(votre fonction, votre service, un moyen de la vérifier)."
        )
    return None


def decision_problems(
    decision: str, *, status: str, reason: str, own_claim: bool
) -> list[tuple[str, str]]:
    """(field, message) pairs refusing an administrator's decision; empty when it stands.

    Accept or refuse a pending claim; revoke an active representative; a reason is required
    to refuse or revoke; nobody decides on their own claim (four eyes).
    """
    if decision not in DECISIONS:
        return [("decision", "Choisissez une décision.")]
    if own_claim:
        return [("", OWN_CLAIM)]
    before, _after = DECISIONS[decision]
    if status != before:
        return [("", ALREADY_DECIDED if before == "pending" else NOT_ACTIVE)]
    size = len(reason.strip())
    if decision in NEEDS_REASON and size < REASON_MIN:
        return [("reason", "Indiquez le motif de la décision : il sera envoyé à la personne.")]
    if size > REASON_MAX:
        return [("reason", f"Le motif doit compter au plus {REASON_MAX} caractères.")]
    return []


def invitation_problem(
    *,
    email_matches: bool,
    inviter_active: bool,
    status: str | None,
    decided_at: datetime | None,
    issued_at: datetime,
) -> str | None:
    """Why an invitation link cannot make this user a representative; None when it can.

    An active membership is not a problem (a replayed link changes nothing). A link
    issued before the user left, or was refused, is stale; a revocation is final.
    """
    if not email_matches:
        return WRONG_EMAIL
    if status == "active":
        return None
    if not inviter_active:
        return INVITER_GONE
    if status == "revoked":
        return REVOKED
    if status in ("left", "refused") and (decided_at is None or decided_at >= issued_at):
        return SUPERSEDED
    return None


def age_label(delta: timedelta) -> str:
    """'moins d'une heure', '5 heures', '3 jours': how long a claim has waited."""
    hours = int(delta.total_seconds() // 3600)
    if hours < 1:
        return "moins d'une heure"
    if hours < 48:
        return f"{hours} heure{'s' if hours > 1 else ''}"
    return f"{hours // 24} jours"
