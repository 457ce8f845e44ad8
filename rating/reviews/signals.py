"""Automatic moderation signals on a submitted review (pure; RELIABILITY "Fraud signals").

Each check returns a named Signal or None; `evaluate` turns them into one decision:
refuse (insider, F8) > hold (pending for a moderator) > publish. The caller gathers the
facts from the database; nothing here touches it.
"""

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from rating.scoring import median

PUBLISH, HOLD, REFUSE = "publish", "hold", "refuse"
NEW_ACCOUNT_HOURS = 24
SHINGLE_SIZE = 5
NEAR_DUPLICATE_JACCARD = 0.8
BURST_FLOOR = 5  # F1: more than max(5, 5 × median daily count) in 24 h
BURST_FACTOR = 5
BURST_HISTORY_DAYS = 90
SAME_NETWORK_COUNT = 3  # F3: the 3rd review of a company from one network in 30 days
SAME_IP_PER_DAY = 20  # RELIABILITY rate table: held rather than 429 (shared NATs exist)

# Labels shown to moderators and, for holds, to the author.
LABELS = {
    "new_account": "Compte créé il y a moins de 24 heures",
    "duplicate_text": "Texte identique à celui d'un autre avis",
    "near_duplicate": "Texte presque identique à celui d'un autre avis",
    "company_burst": "Afflux inhabituel d'avis sur cette entreprise",
    "same_network": "Plusieurs avis sur cette entreprise depuis le même réseau",
    "same_ip_daily": "Nombreux avis depuis la même adresse en 24 heures",
    "incentive_wording": "Mention d'une contrepartie pour l'avis",
    "insider_domain": "Adresse e-mail au domaine de l'entreprise",
    "insider_representative": "L'auteur représente l'entreprise",
    "insider_auditor": "L'auteur audite l'entreprise",
    "report": "Avis signalé",
}
REFUSALS = {
    "insider_representative": (
        "Vous représentez cette entreprise : vous ne pouvez pas publier d'avis sur elle. "
        "Vous pouvez en revanche répondre aux avis de ses clients."
    ),
    "insider_auditor": (
        "Vous auditez cette entreprise dans une campagne : pour garantir l'indépendance "
        "des notes, vous ne pouvez pas publier d'avis sur elle."
    ),
}
# F7: wording that suggests the review was paid for or rewarded (French, accents folded).
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


@dataclass(frozen=True)
class Signal:
    code: str
    action: str  # HOLD or REFUSE
    detail: str = ""

    @property
    def label(self) -> str:
        return LABELS.get(self.code, self.code)


@dataclass(frozen=True)
class Verdict:
    decision: str
    signals: tuple[Signal, ...] = ()

    @property
    def refusal(self) -> str | None:
        """The French message for a refused review, else None."""
        for signal in self.signals:
            if signal.action == REFUSE:
                return REFUSALS[signal.code]
        return None


@dataclass(frozen=True)
class Submission:
    """Everything the checks look at, gathered by the service."""

    now: datetime
    text: str
    account_created_at: datetime | None = None
    author_email: str | None = None
    company_domain: str | None = None
    represents: bool = False
    audits: bool = False
    recent_texts: Sequence[tuple[int, str]] = ()  # (review id, title + text), last 90 days
    company_recent: Sequence[datetime] = ()  # creation times of the company's reviews, ≤ 91 days
    same_network_30d: int = 0  # reviews of the company from this network, this one included
    same_ip_24h: int = 0  # reviews from this address in 24 h, any company, this one included
    text_only: bool = field(default=False)  # on edit: only the checks that look at the text


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


def daily_counts(times: Iterable[datetime], now: datetime, days: int) -> list[int]:
    """Counts per 24-hour slice back from `now`: index 0 is the last 24 h."""
    counts = [0] * days
    for moment in times:
        index = int((now - moment) // timedelta(days=1))
        if 0 <= index < days:
            counts[index] += 1
    return counts


def burst_threshold(history: Sequence[int]) -> float:
    """F1: more reviews than this in 24 h is a burst."""
    return max(BURST_FLOOR, BURST_FACTOR * (median(history) or 0))


def incentive_matches(text: str) -> list[str]:
    return [m.group(0) for m in INCENTIVE_RE.finditer(normalise(text))]


def check_new_account(s: Submission) -> Signal | None:
    if s.account_created_at and s.now - s.account_created_at < timedelta(hours=NEW_ACCOUNT_HOURS):
        return Signal("new_account", HOLD)
    return None


def check_duplicates(s: Submission) -> Signal | None:
    """F6: exact (normalised SHA-256) or near (Jaccard on 5-char shingles ≥ 0.8) duplicate."""
    own_print, own_shingles = fingerprint(s.text), shingles(s.text)
    best: tuple[float, int] | None = None
    for review_id, other in s.recent_texts:
        if fingerprint(other) == own_print:
            return Signal("duplicate_text", HOLD, f"avis n° {review_id}")
        similarity = jaccard(own_shingles, shingles(other))
        if similarity >= NEAR_DUPLICATE_JACCARD and (best is None or similarity > best[0]):
            best = (similarity, review_id)
    if best:
        return Signal("near_duplicate", HOLD, f"avis n° {best[1]} (similarité {best[0]:.2f})")
    return None


def check_burst(s: Submission) -> Signal | None:
    counts = daily_counts(s.company_recent, s.now, BURST_HISTORY_DAYS + 1)
    threshold = burst_threshold(counts[1:])
    if counts[0] > threshold:
        return Signal("company_burst", HOLD, f"{counts[0]} avis en 24 h (seuil {threshold:g})")
    return None


def check_same_network(s: Submission) -> Signal | None:
    if s.same_network_30d >= SAME_NETWORK_COUNT:
        return Signal("same_network", HOLD, f"{s.same_network_30d} avis en 30 jours")
    return None


def check_same_ip(s: Submission) -> Signal | None:
    if s.same_ip_24h > SAME_IP_PER_DAY:
        return Signal("same_ip_daily", HOLD, f"{s.same_ip_24h} avis en 24 h")
    return None


def check_incentive(s: Submission) -> Signal | None:
    found = incentive_matches(s.text)
    if found:
        return Signal("incentive_wording", HOLD, ", ".join(sorted(set(found))))
    return None


def check_insider(s: Submission) -> Signal | None:
    """F8: representatives and auditors of the company are refused; its e-mail domain is held."""
    if s.represents:
        return Signal("insider_representative", REFUSE)
    if s.audits:
        return Signal("insider_auditor", REFUSE)
    domain = (s.company_domain or "").lower().removeprefix("www.")
    email_domain = (s.author_email or "").rpartition("@")[2].lower()
    if domain and (email_domain == domain or email_domain.endswith("." + domain)):
        return Signal("insider_domain", HOLD, email_domain)
    return None


TEXT_CHECKS = (check_insider, check_duplicates, check_incentive)
ALL_CHECKS = (*TEXT_CHECKS, check_new_account, check_burst, check_same_network, check_same_ip)


def evaluate(s: Submission) -> Verdict:
    """Run the checks and decide: refuse > hold > publish."""
    checks = TEXT_CHECKS if s.text_only else ALL_CHECKS
    found = tuple(signal for check in checks if (signal := check(s)) is not None)
    if any(sig.action == REFUSE for sig in found):
        return Verdict(REFUSE, found)
    return Verdict(HOLD if found else PUBLISH, found)
