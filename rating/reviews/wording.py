"""Text features of reviews (pure): normalised text, fingerprints, shingles for
near-duplicates, and the wording of a rewarded review."""

import hashlib
import re
import unicodedata

SHINGLE_SIZE = 5

# Wording that suggests the review was paid for or rewarded (French, accents folded).
INCENTIVE_PATTERNS = (
    r"bons? d'?\s?achat",
    r"cartes? cadeaux?",
    r"cadeaux? (?:pour|contre|en echange|si)",
    r"(?:offert|recu|eu|propose) (?:un |une )?cadeau",
    # "en échange" alone is everyday after-sales talk (an exchanged device): require a review.
    r"en echange (?:d'un|d'une|de mon|de ma|de|du) (?:\w+ ){0,2}(?:avis|note|commentaire|etoiles?)",
    r"codes? promo",
    r"rembourse(?:e|s|es)? si",
    r"reductions? (?:pour|contre) (?:un|mon|des|les|cet) avis",
    r"(?:pour|contre) (?:un|mon|cet) avis (?:positif|favorable)",
    r"(?:pour|contre) (?:\d|cinq) etoiles",
    r"\d+ (?:euros? )?(?:de reduction|offerts?|de remise)",
    r"(?:offert|gratuit)e?s? (?:pour|contre) (?:un|mon|cet) avis",
    r"on m'a (?:demande|propose) de (?:laisser|mettre|publier) (?:un|cet) avis",
)
INCENTIVE_RE = re.compile("|".join(f"(?:{p})" for p in INCENTIVE_PATTERNS))
# A reward named in the same sentence as the review it pays for ("pour cet avis", "si je
# laissais 5 étoiles", "contre une évaluation"): the wording of a bought review.
REWARD = (
    r"(?:bons? d'?\s?achat|bons? de reduction|(?:cartes?|cheques?) cadeaux?|cadeaux?|codes? promo"
    r"|codes? de (?:reduction|remise)|remises?|reductions?|rembours\w*|offert\w*|gratuit\w*"
    r"|paye\w*|remunere\w*|recompens\w*|\d+ (?:euros?|pourcent)|geste commercial|avantages?"
    r"|points? (?:de )?fidelite|frais de port)"
)
REVIEW_WORD = r"(?:avis|notes?|commentaires?|evaluations?|temoignages?|etoiles?)"
TIED = (
    rf"(?:pour|contre|en echange d[eu']?|en (?:remerciement|contrepartie) d[eu']?)"
    rf" (?:\w+ ){{0,3}}{REVIEW_WORD}\b",
    rf"(?:si je|si on|qui|pour avoir|a condition de) (?:\w+ ){{0,2}}"
    rf"(?:laiss|mett|met|not|publi|post|ecri|redig|donn)\w* (?:\w+ ){{0,3}}{REVIEW_WORD}\b",
    rf"{REVIEW_WORD} (?:\w+ ){{0,3}}(?:contre|en echange|pour obtenir|me vaudrait|donne droit)",
)
REWARD_RE = re.compile(rf"\b{REWARD}")
TIED_RE = re.compile("|".join(f"(?:{p})" for p in TIED))
# A voucher given to say sorry for the problem is after-sales, not a reward for the review.
COMPENSATION_RE = re.compile(
    r"dedommag|compens|excus|desagrement|en guise d|geste commercial|pour le retard|pour la gene"
)
REVIEW_WORD_RE = re.compile(rf"\b{REVIEW_WORD}\b")


def normalise(text: str) -> str:
    """Lower case, accents folded, everything but letters and digits collapsed to one space."""
    folded = unicodedata.normalize("NFKD", text.lower())
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9']+", " ", folded).strip()


def fingerprint(text: str) -> str:
    """SHA-256 of the normalised text: equal for texts that differ only by case, accents, spaces."""
    return hashlib.sha256(normalise(text).encode()).hexdigest()


def shingles(text: str, size: int = SHINGLE_SIZE) -> set[str]:
    """The set of `size`-character substrings of the normalised text."""
    norm = normalise(text)
    if len(norm) <= size:
        return {norm}
    return {norm[i : i + size] for i in range(len(norm) - size + 1)}


def jaccard(a: set[str], b: set[str]) -> float:
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


def sentences(text: str) -> list[str]:
    """The normalised sentences of a text (money and percentages kept as words)."""
    text = text.replace("€", " euros ").replace("%", " pourcent ")
    return [norm for part in re.split(r"[.!?;\n]+", text) if (norm := normalise(part))]


def incentive_matches(text: str) -> list[str]:
    """The wording of a rewarded review, sentence by sentence.

    A sentence matches when it has one of the fixed phrases, or names a reward tied to the
    review itself. A voucher named as compensation for the problem, in a sentence that does
    not speak of the review, is ordinary after-sales talk and does not count.
    """
    found = []
    for sentence in sentences(text):
        if COMPENSATION_RE.search(sentence) and not REVIEW_WORD_RE.search(sentence):
            continue
        found += [m.group(0) for m in INCENTIVE_RE.finditer(sentence)]
        reward = REWARD_RE.search(sentence)
        tie = TIED_RE.search(sentence)
        if reward and tie and not found:
            found.append(f"{reward.group(0)} … {tie.group(0)}")
    return found
