"""Rules of reviews, replies and reports (pure: no Flask, no database).

Their words (channels, criteria, reasons) are in rating.vocabulary; the messages are French
msgids marked with `N_()`, translated when a form shows them (rating.forms.add_errors).
"""

from dataclasses import dataclass, field
from datetime import date

from rating.msgids import N_
from rating.plaintext import visible
from rating.scores.calls import check_answered
from rating.scores.formula import months_before
from rating.vocabulary import (
    AFTER_SALES_CRITERIA,
    ANSWERED_CHANNELS,
    CHANNELS,
    CRITERIA,
    PHONE_COSTS,
    REFUSAL_REASONS,
    REPORT_REASONS,
    SOLVED,
)

__all__ = ["CHANNELS", "CRITERIA", "REFUSAL_REASONS", "REPORT_REASONS", "SOLVED"]

MIN_BODY = 30
MAX_BODY = 5000
MAX_TITLE = 120
MAX_AGE_MONTHS = 36  # an experience older than 3 years cannot be reviewed
MIN_REPLY = 10
MAX_REPLY = 3000
MIN_DOUBT = 20  # a representative's doubt on authenticity must be reasoned
MODERATION_MAX_DAYS = 7
ONLINE_YEARS = 3
REMOVED_KEPT_YEARS = 1


@dataclass(frozen=True)
class ReviewDraft:
    """What the author typed, already parsed by the form (None = left empty)."""

    channel: str | None
    experience_date: date | None
    stars: int | None
    solved: str | None
    title: str
    body: str
    own_experience: bool
    criteria: dict[str, int | None] = field(default_factory=dict)
    hold_minutes: int | None = None
    contacts_count: int | None = None
    resolution_days: int | None = None
    human_reached: bool | None = None
    phone_cost: str | None = None
    answered_from: str | None = None
    answered_country: str | None = None
    transfers: int | None = None


CALL_FIELDS = ("answered_from", "answered_country", "transfers")


def call_fields(draft: ReviewDraft) -> dict:
    """The stored answers on where the call was answered: asked for phone and chat only, so
    left empty for any other channel (the group is on the page whatever the channel)."""
    keep = draft.channel in ANSWERED_CHANNELS
    return {name: getattr(draft, name) if keep else None for name in CALL_FIELDS}


def check_draft(draft: ReviewDraft, today: date) -> list[tuple[str, str]]:
    """Every broken rule as (field, French message); empty when the draft is acceptable."""
    errors: list[tuple[str, str]] = []
    if draft.channel not in CHANNELS:
        errors.append(
            ("channel", N_("Choisissez le canal par lequel vous avez contacté l'entreprise."))
        )
    if draft.experience_date is None:
        errors.append(("experience_date", N_("Indiquez la date de votre expérience.")))
    elif draft.experience_date > today:
        errors.append(
            ("experience_date", N_("La date de l'expérience ne peut pas être dans le futur."))
        )
    elif draft.experience_date < months_before(today, MAX_AGE_MONTHS):
        errors.append(
            (
                "experience_date",
                N_("L'expérience date de plus de 3 ans : elle ne peut plus être notée."),
            )
        )
    if draft.stars not in (1, 2, 3, 4, 5):
        errors.append(("stars", N_("Donnez une note globale de 1 à 5 étoiles.")))
    if draft.solved not in SOLVED:
        errors.append(
            ("solved", N_("Dites si votre problème a été résolu (oui, non ou en cours)."))
        )
    # Letters and digits are what count: invisible characters are no part of the length.
    title = visible(draft.title).strip()
    if not title:
        errors.append(("title", N_("Donnez un titre à votre avis.")))
    elif len(title) > MAX_TITLE:
        errors.append(
            ("title", N_("Le titre ne doit pas dépasser %(max)d caractères.", max=MAX_TITLE))
        )
    body = visible(draft.body).strip()
    if len(body) < MIN_BODY:
        errors.append(
            (
                "body",
                N_(
                    "Votre avis doit faire au moins %(min)d caractères (%(typed)d saisis).",
                    min=MIN_BODY,
                    typed=len(body),
                ),
            )
        )
    elif len(body) > MAX_BODY:
        errors.append(
            ("body", N_("Votre avis ne doit pas dépasser %(max)d caractères.", max=MAX_BODY))
        )
    for name, value in draft.criteria.items():
        if name not in CRITERIA or (value is not None and value not in (1, 2, 3, 4, 5)):
            errors.append((name, N_("Choisissez une note de 1 à 5 ou « sans avis ».")))
    for name, low in (("hold_minutes", 0), ("contacts_count", 1), ("resolution_days", 0)):
        value = getattr(draft, name)
        if value is not None and not low <= value <= 100_000:
            errors.append(
                (name, N_("Indiquez un nombre entier supérieur ou égal à %(low)d.", low=low))
            )
    if draft.phone_cost is not None and draft.phone_cost not in PHONE_COSTS:
        errors.append(
            ("phone_cost", N_("Choisissez « gratuit », « surtaxé » ou « je ne sais pas »."))
        )
    if draft.channel in ANSWERED_CHANNELS:
        errors.extend(check_answered(draft.answered_from, draft.answered_country, draft.transfers))
    if not draft.own_experience:
        errors.append(
            (
                "own_experience",
                N_("Cochez cette case pour certifier qu'il s'agit de votre expérience."),
            )
        )
    return errors


def check_reply(body: str) -> list[tuple[str, str]]:
    text = body.strip()
    if len(text) < MIN_REPLY:
        return [("body", N_("La réponse doit faire au moins %(min)d caractères.", min=MIN_REPLY))]
    if len(text) > MAX_REPLY:
        return [("body", N_("La réponse ne doit pas dépasser %(max)d caractères.", max=MAX_REPLY))]
    return []


def check_report(reason: str | None, comment: str) -> list[tuple[str, str]]:
    if reason not in REPORT_REASONS:
        return [("reason", N_("Choisissez le motif du signalement."))]
    if reason == "fake" and len(comment.strip()) < MIN_DOUBT:
        return [
            (
                "comment",
                N_(
                    "Expliquez votre doute en au moins %(min)d caractères "
                    "(par exemple : aucun client à ce nom, dates incohérentes).",
                    min=MIN_DOUBT,
                ),
            )
        ]
    if len(comment) > 2000:
        return [
            ("comment", N_("Le commentaire ne doit pas dépasser %(max)d caractères.", max=2000))
        ]
    return []


def is_negative_after_sales(stars: int, criteria: dict[str, int | None]) -> bool:
    """A review that should show the remedies (SignalConso, mediator)."""
    after_sales = [criteria.get(n) for n in AFTER_SALES_CRITERIA if criteria.get(n) is not None]
    if after_sales:
        return sum(after_sales) / len(after_sales) <= 2
    return stars <= 2
