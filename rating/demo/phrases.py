"""Phrase banks for demo reviews and replies, composed so that no two texts read the same."""

# What the customer contacted the company about, per sector.
TOPICS = {
    "banque": (
        "une opération contestée sur ma carte",
        "un prélèvement débité deux fois",
        "la clôture de mon compte",
        "un virement bloqué",
        "des frais que je ne comprenais pas",
    ),
    "assurance": (
        "un dégât des eaux",
        "un sinistre auto",
        "la résiliation de mon contrat",
        "un remboursement de franchise",
        "une attestation introuvable",
    ),
    "telecoms": (
        "une panne de ma box",
        "une facture anormalement élevée",
        "la portabilité de mon numéro",
        "un débit très inférieur à l'offre",
        "la résiliation de ma ligne",
    ),
    "energie": (
        "une facture de régularisation",
        "un relevé de compteur erroné",
        "un changement d'échéancier",
        "une coupure annoncée par erreur",
        "mon déménagement",
    ),
    "grande-distribution": (
        "un produit défectueux",
        "un retrait de commande en drive",
        "un remboursement en caisse refusé",
        "ma carte de fidélité",
        "un article manquant",
    ),
    "e-commerce": (
        "un colis jamais reçu",
        "un retour de produit",
        "un remboursement en attente",
        "une commande annulée sans raison",
        "un article arrivé cassé",
    ),
    "transport-ferroviaire": (
        "un train supprimé",
        "une demande de compensation pour retard",
        "un abonnement mal facturé",
        "un billet échangé",
        "un bagage oublié",
    ),
    "transport-aerien": (
        "un vol annulé",
        "une valise perdue",
        "une indemnisation pour retard",
        "un changement de nom sur un billet",
        "un surclassement promis",
    ),
    "services-publics": (
        "un dossier de prestations",
        "une attestation à obtenir",
        "un trop-perçu réclamé",
        "un rendez-vous impossible à fixer",
        "une facture d'eau",
    ),
    "automobile": (
        "une réparation sous garantie",
        "un devis qui a doublé",
        "une voiture immobilisée trois semaines",
        "une révision mal faite",
        "une pièce en commande",
    ),
    "immobilier-logement": (
        "une fuite dans ma salle de bains",
        "ma caution non restituée",
        "un chauffage en panne",
        "la régularisation des charges",
        "un état des lieux contesté",
    ),
    "sante-mutuelles": (
        "un remboursement de lunettes",
        "ma carte de tiers payant",
        "un devis dentaire",
        "une prise en charge hospitalière",
        "la radiation d'un ayant droit",
    ),
    "voyage": (
        "un séjour annulé",
        "un avoir à utiliser",
        "un hôtel différent de la réservation",
        "un remboursement après annulation",
        "une modification de dates",
    ),
    "livraison": (
        "un colis indiqué livré mais jamais reçu",
        "un colis abîmé",
        "un avis de passage sans passage",
        "un point relais fermé",
        "un colis renvoyé à l'expéditeur",
    ),
}

OPENINGS = {
    "phone": (
        "J'ai appelé le service client pour {topic}.",
        "J'ai contacté {name} par téléphone pour {topic}.",
        "Appel au service clients de {name} concernant {topic}.",
    ),
    "email": (
        "J'ai écrit via le formulaire de contact pour {topic}.",
        "J'ai envoyé un e-mail au service client de {name} pour {topic}.",
    ),
    "chat": (
        "J'ai utilisé le chat en ligne de {name} pour {topic}.",
        "Échange par chat sur le site concernant {topic}.",
    ),
    "social": (
        "J'ai écrit au compte de {name} sur les réseaux sociaux pour {topic}.",
        "Faute de réponse ailleurs, j'ai posté un message public concernant {topic}.",
    ),
    "shop": ("Je me suis rendu en agence pour {topic}.", "Passage en magasin pour {topic}."),
    "letter": (
        "J'ai envoyé un courrier recommandé concernant {topic}.",
        "Réclamation écrite par lettre concernant {topic}.",
    ),
}

WAITING_BAD = (
    "{m} minutes d'attente avec la même musique en boucle avant d'avoir quelqu'un.",
    "La ligne a coupé au bout de {m} minutes d'attente, j'ai dû rappeler.",
    "Plus de {m} minutes pour avoir enfin un conseiller.",
)
WAITING_GOOD = (
    "Attente de {m} minutes seulement, ce qui est appréciable.",
    "J'ai eu quelqu'un en moins de {m} minutes.",
)
SLOW_WRITTEN = (
    "Première réponse au bout de {d} jours, et c'était un message automatique.",
    "Il a fallu relancer trois fois avant d'obtenir une réponse.",
)
FAST_WRITTEN = (
    "Réponse reçue le jour même, claire et précise.",
    "On m'a répondu en quelques heures avec la bonne information.",
)
PASSED_AROUND = (
    "On m'a transféré {k} fois et à chaque fois il fallait tout réexpliquer.",
    "Chaque conseiller me donnait une version différente.",
    "On me renvoie du service technique au service facturation sans fin.",
    "On m'a dit de voir avec la boutique, qui m'a renvoyé vers le service client.",
)
GOOD_ADVISOR = (
    "La conseillère a pris le temps de m'écouter et a tout de suite compris.",
    "Le conseiller était aimable, clair et compétent.",
    "Interlocuteur patient, qui m'a rappelé comme promis.",
    "Une personne à l'écoute, qui connaissait bien son sujet.",
)
RUDE_ADVISOR = (
    "Le ton était sec et on m'a presque raccroché au nez.",
    "J'ai eu l'impression de déranger.",
    "Réponses toutes faites, sans aucune écoute.",
)
OUTCOME = {
    "yes": (
        "Le remboursement a été obtenu en {d} jours.",
        "Le problème est réglé.",
        "Tout est rentré dans l'ordre en {d} jours.",
        "Geste commercial obtenu, dossier clos.",
    ),
    "no": (
        "À ce jour, toujours rien.",
        "Mon dossier est toujours bloqué et personne ne rappelle.",
        "J'envisage de saisir le médiateur.",
        "On m'a promis un rappel qui n'est jamais venu.",
    ),
    "in_progress": (
        "Le dossier est en cours, on m'a promis un retour sous huit jours.",
        "Affaire à suivre, un technicien doit revenir vers moi.",
        "Ma réclamation est enregistrée, j'attends la suite.",
    ),
}
CLOSINGS = {
    "bad": (
        "Je déconseille.",
        "Quelle perte de temps.",
        "Très décevant pour une entreprise de cette taille.",
        "",
    ),
    "mid": ("Correct, sans plus.", "Peut mieux faire.", ""),
    "good": (
        "Je recommande.",
        "Merci à l'équipe !",
        "Un service client comme on aimerait en voir plus.",
        "",
    ),
}
TITLES = {
    "bad": (
        "Impossible de joindre quelqu'un",
        "Baladé de service en service",
        "Toujours pas remboursé",
        "Attente interminable",
        "Service client injoignable",
        "Aucune réponse à mes messages",
        "Promesses non tenues",
        "Très déçu du SAV",
        "Dossier perdu deux fois",
        "À éviter",
    ),
    "mid": (
        "Correct mais lent",
        "Peut mieux faire",
        "Réponse aimable mais incomplète",
        "Il a fallu insister",
        "Résolu, mais au bout de plusieurs appels",
        "Service moyen",
    ),
    "good": (
        "Conseillère au top",
        "Problème réglé en un appel",
        "Remboursement obtenu rapidement",
        "Très bonne écoute",
        "Réactif et efficace",
        "Enfin un SAV qui répond",
        "Rien à redire",
    ),
}

REPLIES_BAD = (
    "Bonjour {who}, nous sommes désolés de votre expérience. Notre équipe reprend votre dossier "
    "et vous recontacte sous 48 heures.",
    "Bonjour {who}, merci de ce retour. Pouvez-vous nous écrire en message privé avec votre "
    "numéro de dossier ? Nous allons regarder ce qui s'est passé.",
    "Bonjour, nous regrettons ce délai. Votre réclamation a été transmise au service concerné, "
    "qui reviendra vers vous rapidement.",
)
REPLIES_GOOD = (
    "Merci {who} pour ce message, nous transmettons vos compliments à l'équipe !",
    "Bonjour {who}, ravis que votre demande ait été traitée rapidement. À bientôt.",
    "Merci pour votre confiance et pour ce retour détaillé.",
)

# Codes of the application's own fixed lists (rating.vocabulary, rating.reviews.signals):
# the demo writes nothing the site itself could not have written.
REJECT_REASONS = ("insults", "not_experience", "unintelligible", "personal_data", "spam")
HOLD_SIGNALS = (
    "new_account",
    "near_duplicate",
    "company_burst",
    "same_network",
    "incentive_wording",
)
# A shopper's report reason, and the refusal reason a moderator gives when upholding it.
REPORT_REASONS = {
    "insults": "insults",
    "not_experience": "not_experience",
    "personal_data": "personal_data",
    "conflict_of_interest": "conflict_of_interest",
    "spam": "spam",
}
