"""French review texts for the fraud benchmark: genuine ones, and the attackers' variants.

Genuine texts reuse the demo phrase banks (rating/demo/phrases.py) and add what makes real
reviews differ from each other: personal details with numbers and dates, word choices, the
order of sentences. A few genuine texts are short and generic ("Très bon accueil, je
recommande.") and a few mention a voucher given as compensation, as real ones do: both are
the honest sources of false positives for the duplicate and incentive signals.
"""

import re

from rating.demo import phrases

MONTHS = (
    "janvier février mars avril mai juin juillet août septembre octobre novembre décembre"
).split()
DAYS = "lundi mardi mercredi jeudi vendredi samedi".split()
DETAILS = (
    "Je suis client depuis {n} ans.",
    "C'était un {day} vers {h} h.",
    "J'avais déjà eu un souci du même genre en {month}.",
    "Le montant en jeu était de {amount} €.",
    "Mon dossier porte la référence {ref}.",
    "J'ai dû poser une demi-journée de congé pour m'en occuper.",
    "Ma fille m'a aidé à faire la démarche sur internet.",
    "Je précise que je suis plutôt patient.",
    "Je les avais contactés une première fois le {d} {month}.",
    "On m'a demandé {k} fois les mêmes justificatifs.",
    "J'ai fini par tout envoyer par écrit pour garder une trace.",
    "Le site internet ne proposait aucune solution pour ce cas.",
    "Il faut dire que c'était la période des fêtes.",
    "J'ai dû rappeler après {n} jours sans nouvelles.",
    "Mon voisin a eu exactement le même problème.",
    "À l'accueil, on m'a remis un numéro de ticket.",
    "La personne au bout du fil s'appelait {first}, je crois.",
    "Cela faisait {n} semaines que j'attendais.",
    "J'appelais depuis mon travail, pendant ma pause de midi.",
    "Je n'ai reçu aucun accusé de réception.",
    "Entre-temps j'ai reçu une facture de {amount} €.",
    "Le problème avait commencé {n} jours plus tôt.",
    "J'ai dû expliquer la situation à {k} interlocuteurs différents.",
    "Le conseiller a noté mon numéro de client, {ref}.",
    "Je suis à la retraite et je n'ai pas internet chez moi.",
    "Je vis à {city} et l'agence la plus proche est à {n} km.",
    "J'avais pourtant tout préparé à l'avance.",
    "On m'a envoyé un SMS de confirmation le {d} {month}.",
    "Ce n'est pas la première fois que ça arrive avec eux.",
    "Je l'écris ici pour que d'autres sachent à quoi s'attendre.",
)
COMPENSATION = (  # genuine: compensation for the problem, not a reward for the review
    "Pour s'excuser du retard, ils m'ont envoyé un bon d'achat de {n} €.",
    "En dédommagement, j'ai reçu un code promo de {n} € sur ma prochaine commande.",
    "À titre de geste commercial, une carte cadeau de {n} € m'a été proposée pour le désagrément.",
    "En compensation de la panne, un mois d'abonnement m'a été remboursé.",
    "Ils m'ont proposé un avoir de {n} € pour compenser.",
    "Un bon d'achat de {n} € en guise d'excuse, c'est un peu léger.",
)
SHORT_BITS = (
    ("Accueil", "Conseiller", "Service client", "Personnel", "SAV", "Équipe", "Agent"),
    ("très", "vraiment", "super", "vraiment très", "toujours", "plutôt"),
    ("aimable", "efficace", "réactif", "compétent", "agréable", "rapide", "sympathique"),
    ("je recommande", "rien à redire", "merci beaucoup", "parfait", "bravo", "à refaire"),
)
SHORT_TAIL = ("Problème réglé rapidement.", "Tout s'est bien passé.", "Réponse claire.", "")
SYNONYMS = {
    "conseiller": ("conseiller", "agent", "interlocuteur", "technicien", "employé"),
    "conseillère": ("conseillère", "employée", "interlocutrice", "personne"),
    "service client": ("service client", "service clients", "SAV", "service après-vente"),
    "rappelé": ("rappelé", "recontacté", "rappelée"),
    "rapidement": ("rapidement", "vite", "sans tarder", "en peu de temps"),
    "dossier": ("dossier", "demande", "réclamation"),
    "problème": ("problème", "souci", "litige"),
    "vraiment": ("vraiment", "franchement", "réellement", "très"),
    "aimable": ("aimable", "courtois", "poli", "sympathique"),
    "réponse": ("réponse", "retour", "solution"),
    "attente": ("attente", "patience", "délai"),
    "enfin": ("enfin", "finalement", "au final"),
    "jours": ("jours", "jours ouvrés", "jours pleins"),
}
_SYNONYM_RE = re.compile(r"\b(" + "|".join(map(re.escape, SYNONYMS)) + r")\b")
FIRST_NAMES = ("Julie", "Karim", "Sophie", "Marc", "Nadia", "Thomas", "Inès", "Luc", "Emma")
CITIES = ("Lyon", "Rennes", "Tours", "Nancy", "Pau", "Lille", "Dijon", "Niort", "Brest", "Agen")


def _fill(rng, template: str) -> str:
    return template.format(
        n=rng.randint(2, 25),
        k=rng.choice(("deux", "trois", "quatre", "plusieurs")),
        d=rng.randint(1, 28),
        h=rng.randint(8, 19),
        day=rng.choice(DAYS),
        month=rng.choice(MONTHS),
        amount=f"{rng.randint(12, 900)},{rng.randint(0, 99):02d}",
        ref=f"{rng.choice('ABCDKMRT')}{rng.randint(10000, 999999)}",
        first=rng.choice(FIRST_NAMES),
        city=rng.choice(CITIES),
    )


def vary_words(rng, text: str, rate: float) -> str:
    """Replace some words by a synonym, as two people telling the same story would."""

    def swap(match):
        options = SYNONYMS[match.group(1)]
        return rng.choice(options) if rng.random() < rate else match.group(1)

    return _SYNONYM_RE.sub(swap, text)


def mood(stars: int) -> str:
    return "bad" if stars <= 2 else "mid" if stars == 3 else "good"


def short_text(rng) -> tuple[str, str]:
    """A short generic review: these are common, and sometimes identical by chance."""
    who, adverb, adjective, end = (rng.choice(bits) for bits in SHORT_BITS)
    body = f"{who} {adverb} {adjective}, {end} ! {rng.choice(SHORT_TAIL)}".strip()
    if len(body) < 30:  # the form's minimum
        body += " Merci."
    return rng.choice(phrases.TITLES["good"]), body


def genuine_text(rng, sector: str, name: str, channel: str, stars: int, solved: str):
    """A title and a body of 4–9 sentences around one contact with the company."""
    kind = mood(stars)
    topic = rng.choice(phrases.TOPICS[sector])
    opening = rng.choice(phrases.OPENINGS[channel]).format(topic=topic, name=name)
    middle = []
    if channel == "phone":
        bank = phrases.WAITING_GOOD if kind == "good" else phrases.WAITING_BAD
        middle.append(rng.choice(bank).format(m=rng.randint(3, 45)))
    elif channel in ("email", "letter", "social"):
        bank = phrases.FAST_WRITTEN if kind == "good" else phrases.SLOW_WRITTEN
        middle.append(rng.choice(bank).format(d=rng.randint(3, 21)))
    if kind != "good" and rng.random() < 0.5:
        middle.append(rng.choice(phrases.PASSED_AROUND).format(k=rng.choice(("deux", "trois"))))
    if kind == "good" or rng.random() < 0.3:
        middle.append(rng.choice(phrases.GOOD_ADVISOR))
    elif rng.random() < 0.5:
        middle.append(rng.choice(phrases.RUDE_ADVISOR))
    middle += [_fill(rng, t) for t in rng.sample(DETAILS, rng.randint(1, 3))]
    if rng.random() < 0.012:
        middle.append(_fill(rng, rng.choice(COMPENSATION)))
    rng.shuffle(middle)
    ending = [rng.choice(phrases.OUTCOME[solved]).format(d=rng.randint(2, 30))]
    ending.append(rng.choice(phrases.CLOSINGS[kind]))
    body = " ".join(s for s in [opening, *middle, *ending] if s)
    return rng.choice(phrases.TITLES[kind]), vary_words(rng, body, 0.5)


# Attackers' disclosures or slips about a reward for the review (the reward-wording signal
# must catch them).
INCENTIVES = (
    "On m'a offert un bon d'achat pour cet avis.",
    "J'ai reçu un bon d'achat de {n} € en échange de ce commentaire.",
    "Le vendeur m'a promis une remise de {n} % si je laissais 5 étoiles.",
    "Ils offrent une carte cadeau à ceux qui laissent un avis.",
    "En remerciement de cet avis, on m'a offert les frais de port.",
    "On m'a proposé un geste commercial si je mettais une bonne note.",
    "Un code de réduction m'a été envoyé pour avoir posté cet avis.",
    "Pour cet avis, j'ai eu droit à un mois d'abonnement gratuit.",
    "L'agence rembourse {n} € à chaque client qui laisse une note de 5.",
    "Ils m'ont demandé de laisser un avis positif en échange d'un cadeau.",
    "Avis rédigé contre un bon de réduction, mais sincère.",
    "J'ai été rémunéré pour écrire cet avis.",
    "Le conseiller m'a glissé qu'un avis 5 étoiles me vaudrait une réduction.",
    "On m'a offert un chèque cadeau en échange de cette note.",
    "Ils m'ont promis {n} euros si je laissais un commentaire élogieux.",
    "Avis laissé pour obtenir la réduction promise.",
    "Une remise de {n} € est offerte pour tout avis publié, alors voilà.",
    "Ils donnent un cadeau de bienvenue contre une évaluation positive.",
    "Le magasin m'a offert {n} € de réduction pour avoir laissé ce témoignage.",
    "On m'a proposé de me rembourser la livraison si je notais 5 étoiles.",
)


def incentive_text(rng, sector: str, name: str, channel: str) -> tuple[str, str]:
    """A positive review that mentions, somewhere, a reward for writing it."""
    title, body = genuine_text(rng, sector, name, channel, 5, "yes")
    sentences = body.split(". ")
    sentences.insert(rng.randint(1, len(sentences)), _fill(rng, rng.choice(INCENTIVES))[:-1])
    return title, ". ".join(sentences)


def spin(rng, title: str, body: str) -> tuple[str, str]:
    """A lightly edited copy: a few words swapped, numbers changed, maybe two sentences moved."""
    body = vary_words(rng, body, 0.35)
    body = re.sub(r"\d+", lambda m: str(int(m.group(0)) + rng.randint(1, 9)), body, count=2)
    sentences = body.split(". ")
    if len(sentences) > 3 and rng.random() < 0.5:
        i = rng.randrange(1, len(sentences) - 1)
        sentences[i], sentences[i + 1] = sentences[i + 1], sentences[i]
    return title, ". ".join(sentences)
