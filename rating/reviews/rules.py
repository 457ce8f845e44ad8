"""Rules and French labels of reviews, replies and reports (pure: no Flask, no database)."""

from dataclasses import dataclass, field
from datetime import date

from rating.scores.formula import months_before

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

CHANNELS = {
    "phone": "Téléphone",
    "email": "E-mail ou formulaire",
    "chat": "Chat en ligne",
    "social": "Réseau social",
    "shop": "En boutique, au guichet",
    "letter": "Courrier",
}
SOLVED = {"yes": "Oui", "no": "Non", "in_progress": "En cours"}
RECEPTION = {
    "reachability": "Joignabilité",
    "waiting": "Temps d'attente",
    "courtesy": "Amabilité",
    "listening": "Écoute",
}
AFTER_SALES = {
    "resolution": "Résolution",
    "responsiveness": "Réactivité",
    "follow_up": "Suivi",
    "competence": "Compétence",
}
CRITERIA = {**RECEPTION, **AFTER_SALES}
PHONE_COSTS = {"free": "Gratuit", "surcharged": "Surtaxé"}
ORIGINS = {"spontaneous": "Avis spontané", "invited": "Sur invitation"}
STATUSES = {
    "pending": "En attente de modération",
    "published": "Publié",
    "rejected": "Refusé",
    "withdrawn": "Retiré par son auteur",
    "removed": "Retiré par la modération",
}
# Why a moderator rejects or removes a review (fixed list, told to the author).
REFUSAL_REASONS = {
    "insults": "Propos injurieux, diffamatoires, discriminatoires ou menaçants",
    "personal_data": "Données personnelles (nom d'un salarié, coordonnées, numéro de dossier…)",
    "not_experience": "Ne décrit pas une expérience personnelle avec le service client",
    "conflict_of_interest": "Conflit d'intérêts (auteur lié à l'entreprise ou à un concurrent)",
    "incentive": "Avis obtenu contre une récompense ou une contrepartie",
    "duplicate": "Doublon d'un autre avis",
    "spam": "Publicité, liens commerciaux ou spam",
    "illegal": "Contenu illicite",
    "unintelligible": "Texte incompréhensible ou sans rapport avec l'entreprise",
}
# Why a user reports a review; "fake" is the representative's doubt on authenticity.
REPORT_REASONS = {
    "insults": "Propos injurieux, diffamatoires ou discriminatoires",
    "personal_data": "Contient des données personnelles",
    "not_experience": "Ne décrit pas une expérience de service client",
    "conflict_of_interest": "Écrit par un concurrent, un salarié ou un proche",
    "fake": "Doute sur l'authenticité de l'expérience décrite",
    "spam": "Publicité ou spam",
    "illegal": "Contenu illicite",
}


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


def check_draft(draft: ReviewDraft, today: date) -> list[tuple[str, str]]:
    """Every broken rule as (field, French message); empty when the draft is acceptable."""
    errors: list[tuple[str, str]] = []
    if draft.channel not in CHANNELS:
        errors.append(
            ("channel", "Choisissez le canal par lequel vous avez contacté l'entreprise.")
        )
    if draft.experience_date is None:
        errors.append(("experience_date", "Indiquez la date de votre expérience."))
    elif draft.experience_date > today:
        errors.append(
            ("experience_date", "La date de l'expérience ne peut pas être dans le futur.")
        )
    elif draft.experience_date < months_before(today, MAX_AGE_MONTHS):
        errors.append(
            (
                "experience_date",
                "L'expérience date de plus de 3 ans : elle ne peut plus être notée.",
            )
        )
    if draft.stars not in (1, 2, 3, 4, 5):
        errors.append(("stars", "Donnez une note globale de 1 à 5 étoiles."))
    if draft.solved not in SOLVED:
        errors.append(("solved", "Dites si votre problème a été résolu (oui, non ou en cours)."))
    title = draft.title.strip()
    if not title:
        errors.append(("title", "Donnez un titre à votre avis."))
    elif len(title) > MAX_TITLE:
        errors.append(("title", f"Le titre ne doit pas dépasser {MAX_TITLE} caractères."))
    body = draft.body.strip()
    if len(body) < MIN_BODY:
        errors.append(
            ("body", f"Votre avis doit faire au moins {MIN_BODY} caractères ({len(body)} saisis).")
        )
    elif len(body) > MAX_BODY:
        errors.append(("body", f"Votre avis ne doit pas dépasser {MAX_BODY} caractères."))
    for name, value in draft.criteria.items():
        if name not in CRITERIA or (value is not None and value not in (1, 2, 3, 4, 5)):
            errors.append((name, "Choisissez une note de 1 à 5 ou « sans avis »."))
    for name, low in (("hold_minutes", 0), ("contacts_count", 1), ("resolution_days", 0)):
        value = getattr(draft, name)
        if value is not None and not low <= value <= 100_000:
            errors.append((name, f"Indiquez un nombre entier supérieur ou égal à {low}."))
    if draft.phone_cost is not None and draft.phone_cost not in PHONE_COSTS:
        errors.append(("phone_cost", "Choisissez « gratuit », « surtaxé » ou « je ne sais pas »."))
    if not draft.own_experience:
        errors.append(
            ("own_experience", "Cochez cette case pour certifier qu'il s'agit de votre expérience.")
        )
    return errors


def check_reply(body: str) -> list[tuple[str, str]]:
    text = body.strip()
    if len(text) < MIN_REPLY:
        return [("body", f"La réponse doit faire au moins {MIN_REPLY} caractères.")]
    if len(text) > MAX_REPLY:
        return [("body", f"La réponse ne doit pas dépasser {MAX_REPLY} caractères.")]
    return []


def check_report(reason: str | None, comment: str) -> list[tuple[str, str]]:
    if reason not in REPORT_REASONS:
        return [("reason", "Choisissez le motif du signalement.")]
    if reason == "fake" and len(comment.strip()) < MIN_DOUBT:
        return [
            (
                "comment",
                f"Expliquez votre doute en au moins {MIN_DOUBT} caractères "
                "(par exemple : aucun client à ce nom, dates incohérentes).",
            )
        ]
    if len(comment) > 2000:
        return [("comment", "Le commentaire ne doit pas dépasser 2000 caractères.")]
    return []


def is_negative_after_sales(stars: int, criteria: dict[str, int | None]) -> bool:
    """A review that should show the remedies (SignalConso, mediator)."""
    after_sales = [criteria.get(n) for n in AFTER_SALES if criteria.get(n) is not None]
    if after_sales:
        return sum(after_sales) / len(after_sales) <= 2
    return stars <= 2


def human_delay(hours: float | None) -> str:
    """'3 h', '2,5 jours' or '—': the delay as a French reader expects it."""
    if hours is None:
        return "—"
    if hours < 1:
        return f"{round(hours * 60)} min"
    if hours < 48:
        return f"{hours:.1f} h".replace(".", ",").replace(",0 h", " h")
    return f"{hours / 24:.1f} jours".replace(".", ",")
