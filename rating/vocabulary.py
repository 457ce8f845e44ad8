"""The domain's words, declared once: each stored code with its French label.

The codes are what the database, the forms, the JSON API and the open data hold; they
never change. The labels are French msgids marked with `N_()`, translated at display by
`rating.i18n.translate` (the `label` template filter, the form choices of
`rating.forms.choices`). The models build their CHECK constraints from the same tuples,
the OpenAPI document its enums, and tests/test_vocabulary.py holds them together.
Pure Python: no Flask, no database.
"""

from rating.msgids import N_, NC_

# How a shopper reached the customer service; also the channels of declared contact points.
CHANNELS = {
    "phone": N_("Téléphone"),
    "email": N_("E-mail ou formulaire"),
    "chat": N_("Chat en ligne"),
    "social": N_("Réseaux sociaux"),
    "shop": N_("Boutique ou agence"),
    "letter": N_("Courrier"),
}
# The channels a mystery shopper tests (their order is the audit tables' column order).
AUDIT_CHANNELS = {
    "phone": N_("Téléphone"),
    "email": N_("E-mail"),
    "chat": N_("Chat"),
    "social": N_("Réseaux sociaux"),
}
# Where a shopper (or an auditor) thinks the person who answered was: a perception, shown
# as such beside what the company declares (DESIGN, "Where calls are answered").
ANSWERED_FROM = {
    "france": N_("En France"),
    "abroad": N_("À l'étranger"),
    "unknown": N_("Je ne sais pas"),
}
# The same codes as the company page reports them ("En France : 62 %").
ANSWERED_SHARES = {
    "france": N_("En France"),
    "abroad": N_("À l'étranger"),
    "unknown": N_("Ne savent pas"),
}
# The channels whose form asks where the call was answered and how often it was transferred.
ANSWERED_CHANNELS = ("phone", "chat")
MAX_TRANSFERS = 20
# The channels the company page gives community figures for, each on its own.
COMMUNITY_CHANNELS = ("phone", "email", "chat", "social", "shop")
SOLVED = {"yes": N_("Oui"), "no": N_("Non"), "in_progress": N_("En cours")}
ORIGINS = {"spontaneous": N_("Avis spontané"), "invited": N_("Sur invitation")}
RECEPTION_CRITERIA = {
    "reachability": N_("Joignabilité"),
    "waiting": N_("Temps d'attente"),
    "courtesy": N_("Amabilité"),
    "listening": N_("Écoute"),
}
AFTER_SALES_CRITERIA = {
    "resolution": N_("Résolution"),
    "responsiveness": N_("Réactivité"),
    "follow_up": N_("Suivi"),
    "competence": N_("Compétence"),
}
CRITERIA = {**RECEPTION_CRITERIA, **AFTER_SALES_CRITERIA}
# The two groups of criteria ("aspect" filter of the review list, sub-scores).
ASPECTS = {
    "reception": NC_("service client", "Accueil"),
    "after_sales": N_("Service après-vente"),
}
# Their short form beside a criterion on a review card: "Accueil · Amabilité", "SAV · Suivi".
ASPECT_SHORT = {"reception": ASPECTS["reception"], "after_sales": N_("SAV")}
ASPECT_CRITERIA = {
    "reception": tuple(RECEPTION_CRITERIA),
    "after_sales": tuple(AFTER_SALES_CRITERIA),
}
REVIEW_STATUSES = {
    "pending": N_("En attente de modération"),
    "published": N_("Publié"),
    "rejected": N_("Refusé"),
    "withdrawn": N_("Retiré par son auteur"),
    "removed": N_("Retiré par la modération"),
}
LIVE_STATUSES = ("pending", "published")
# A flag on a review that stays online, labelled, but out of the score (not a status).
REVIEW_FLAGS = {"author_representative": N_("Auteur devenu représentant")}
# Why a moderator rejects or removes a review (fixed list, told to the author).
REFUSAL_REASONS = {
    "insults": N_("Propos injurieux, diffamatoires, discriminatoires ou menaçants"),
    "personal_data": N_("Données personnelles (nom d'un salarié, coordonnées, numéro de dossier…)"),
    "not_experience": N_("Ne décrit pas une expérience personnelle avec le service client"),
    "conflict_of_interest": N_("Conflit d'intérêts (auteur lié à l'entreprise ou à un concurrent)"),
    "incentive": N_("Avis obtenu contre une récompense ou une contrepartie"),
    "duplicate": N_("Doublon d'un autre avis"),
    "spam": N_("Publicité, liens commerciaux ou spam"),
    "illegal": N_("Contenu illicite"),
    "unintelligible": N_("Texte incompréhensible ou sans rapport avec l'entreprise"),
}
# Why a review was closed by the platform itself, not by a moderator's refusal.
CLOSING_REASONS = {
    "merged": N_(
        "Doublon après la fusion de deux fiches de la même entreprise : votre avis le plus "
        "récent est conservé"
    ),
}
OTHER_REASON = N_("Autre motif")  # a refusal whose reason is not (or no longer) in the list
# Why a user reports a review; "fake" is the representative's doubt on authenticity.
REPORT_REASONS = {
    "insults": N_("Propos injurieux, diffamatoires ou discriminatoires"),
    "personal_data": N_("Contient des données personnelles"),
    "not_experience": N_("Ne décrit pas une expérience de service client"),
    "conflict_of_interest": N_("Écrit par un concurrent, un salarié ou un proche"),
    "fake": N_("Doute sur l'authenticité de l'expérience décrite"),
    "spam": N_("Publicité ou spam"),
    "illegal": N_("Contenu illicite"),
}
# What the shopper paid for the call (review) and what a declared number costs (contact point).
PHONE_COSTS = {"free": N_("Gratuit"), "surcharged": N_("Surtaxé")}
CONTACT_PHONE_COSTS = {
    "free": N_("Appel gratuit"),
    "standard": N_("Prix d'un appel normal"),
    "premium": N_("Numéro surtaxé"),
}
# Digital Services Act: what kind of illegal content a notice (art. 16) points at.
NOTICE_CATEGORIES = {
    "defamation": N_("Diffamation ou injure"),
    "hate": N_("Incitation à la haine, discrimination ou menace"),
    "privacy": N_("Atteinte à la vie privée ou données personnelles"),
    "fraud": N_("Faux avis, tromperie ou pratique commerciale déloyale"),
    "intellectual_property": N_("Atteinte au droit d'auteur ou aux marques"),
    "other_illegal": N_("Autre contenu illicite"),
}
# The ground a decision rests on (DSA art. 17): the law, or the site's terms of use.
DECISION_GROUNDS = {
    "law": N_("Contenu illicite au regard de la loi"),
    "terms": N_("Contraire aux conditions d'utilisation et à la charte de modération"),
}
# A refusal reason's ground: only "illegal" rests on the law itself.
REFUSAL_GROUNDS = {code: "law" if code == "illegal" else "terms" for code in REFUSAL_REASONS}
# Its label, for the `label` filter: `review.status_reason|label("refusal_ground")`.
REFUSAL_GROUND_LABELS = {code: DECISION_GROUNDS[g] for code, g in REFUSAL_GROUNDS.items()}
NOTICE_OUTCOMES = {
    "open": N_("En cours d'examen"),
    "upheld": N_("Fondé : le contenu est retiré"),
    "dismissed": N_("Non fondé : le contenu reste en ligne"),
}
APPEAL_OUTCOMES = {
    "open": N_("Contestation en cours d'examen"),
    "upheld": N_("Contestation acceptée : la décision est annulée"),
    "dismissed": N_("Contestation rejetée : la décision est maintenue"),
}

# When the audit grade and the community score disagree strongly (rating.audit.summary).
DIVERGENCES = {
    "customers_harsher": N_(
        "Les auditeurs notent bien cette entreprise, mais les avis des clients sont nettement "
        "plus sévères : les deux mesures sont montrées sans être mélangées."
    ),
    "customers_happier": N_(
        "Les clients sont bien plus satisfaits que ne le mesurent les tests des auditeurs : "
        "les deux mesures sont montrées sans être mélangées."
    ),
}
# What an administrator did (the log at /admin/log).
ADMIN_ACTIONS = {
    "company_created": N_("Entreprise créée"),
    "company_edited": N_("Entreprise modifiée"),
    "company_closed": N_("Entreprise fermée"),
    "company_reopened": N_("Entreprise rouverte"),
    "company_grouped": N_("Rattachement à un groupe modifié"),
    "company_merged": N_("Entreprises fusionnées"),
    "sector_created": N_("Secteur créé"),
    "sector_edited": N_("Secteur modifié"),
    "role_granted": N_("Rôle accordé"),
    "role_revoked": N_("Rôle retiré"),
    "user_locked": N_("Compte bloqué"),
    "user_unlocked": N_("Compte débloqué"),
    "suggestion_accepted": N_("Suggestion acceptée"),
    "suggestion_refused": N_("Suggestion refusée"),
    "claim_accepted": N_("Demande de représentation acceptée"),
    "claim_refused": N_("Demande de représentation refusée"),
    "representative_revoked": N_("Accès de représentant retiré"),
}
# A shopper's suggestion of a missing company.
SUGGESTION_STATUSES = {
    "pending": N_("En attente"),
    "accepted": N_("Acceptée"),
    "refused": N_("Refusée"),
}
# Staff roles an administrator grants (rating.models.user.STAFF_ROLES).
STAFF_ROLES = {
    "auditor": N_("Auditeur"),
    "moderator": N_("Modérateur"),
    "admin": N_("Administrateur"),
}
REVIEW_SORTS = {
    "recent": N_("Plus récents"),
    "oldest": N_("Plus anciens"),
    "experience": N_("Date de l'expérience"),
    "best": N_("Meilleures notes"),
    "worst": N_("Moins bonnes notes"),
}

# What a mystery test measured: published per test, and columns of the auditors' CSV import.
TEST_MEASURES = (
    "reached",
    "wait_seconds",
    "response_hours",
    "courtesy",
    "understanding",
    "accuracy",
)
# Where the agent said they were, when they said so (optional, not graded).
TEST_CALL_FIELDS = ("answered_from", "answered_country", "transfers")
GRADE_KPIS = (
    "accessibility_rate",
    "median_phone_wait_seconds",
    "median_email_response_hours",
    "complete_rate",
    "mean_courtesy",
)
# The columns of each published CSV are in its Table Schema descriptor
# (rating/opendata/schemas/*.json), their one home.

# The mails a person may receive, each turned on or off on /account/notifications.
NOTIFICATION_KINDS = {
    "company_review": N_("Nouveaux avis sur une entreprise que je représente"),
    "review_reply": N_("Réponse d'une entreprise à mon avis"),
    "review_moderation": N_("Publication de mon avis ou nouvelle vérification par la modération"),
    "report_outcome": N_("Suite donnée à mes signalements"),
    "followed_grade": N_("Nouvelle note d'audit d'une entreprise que je suis"),
}
# How a representative hears of new reviews of their company.
REVIEW_ALERTS = {
    "instant": N_("À chaque nouvel avis"),
    "digest": N_("Un résumé par jour"),
    "off": N_("Jamais"),
}

# The labelled lists by name, for the `label` template filter: `review.channel|label("channel")`.
LABELS = {
    "channel": CHANNELS,
    "audit_channel": AUDIT_CHANNELS,
    "solved": SOLVED,
    "answered_from": ANSWERED_FROM,
    "answered_share": ANSWERED_SHARES,
    "origin": ORIGINS,
    "criterion": CRITERIA,
    "aspect": ASPECTS,
    "status": REVIEW_STATUSES,
    "flag": REVIEW_FLAGS,
    "refusal": {**REFUSAL_REASONS, **CLOSING_REASONS},
    "report": REPORT_REASONS,
    "phone_cost": PHONE_COSTS,
    "contact_phone_cost": CONTACT_PHONE_COSTS,
    "sort": REVIEW_SORTS,
    "divergence": DIVERGENCES,
    "notice_category": NOTICE_CATEGORIES,
    "ground": DECISION_GROUNDS,
    "refusal_ground": REFUSAL_GROUND_LABELS,
    "notice_outcome": NOTICE_OUTCOMES,
    "appeal_outcome": APPEAL_OUTCOMES,
    "notification": NOTIFICATION_KINDS,
    "review_alerts": REVIEW_ALERTS,
    "admin_action": ADMIN_ACTIONS,
    "suggestion_status": SUGGESTION_STATUSES,
    "role": STAFF_ROLES,
}


def label(kind: str, code: str | None) -> str:
    """The French label of a code (the code itself when unknown, "" for None)."""
    if code is None:
        return ""
    return LABELS[kind].get(code, code)
