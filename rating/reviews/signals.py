"""Automatic moderation signals on a submitted review (pure; RELIABILITY "Fraud signals").

Each check returns a named Signal or None; `evaluate` turns them into one decision:
refuse (insider) > hold (pending for a moderator) > publish. The caller gathers the
facts from the database; nothing here touches it.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from rating.msgids import N_
from rating.scores.formula import median

# Re-exported: the services fingerprint texts with it, the tests measure texts with them.
from .wording import fingerprint, incentive_matches, jaccard, shingles

PUBLISH, HOLD, REFUSE = "publish", "hold", "refuse"
NEW_ACCOUNT_HOURS = 24
NEAR_DUPLICATE_JACCARD = 0.8
BURST_FLOOR = 5  # Burst: more than max(5, 5 × median daily count) in 24 h
BURST_FACTOR = 5
BURST_HISTORY_DAYS = 90
SAME_NETWORK_COUNT = 3  # Same network: the 3rd review of a company from one network in 30 days
SAME_IP_PER_DAY = 20  # RELIABILITY rate table: held rather than 429 (shared NATs exist)
# Review ring: accounts that reviewed the same companies within days of each other.
RING_WINDOW_DAYS = 7
RING_MIN_COMPANIES = 3  # each account of the ring reviewed at least 3 of the same companies
RING_MIN_ACCOUNTS = 3  # the author and at least two others
# Near-duplicates: MinHash LSH band keys (rating.reviews.minhash) find the candidates in the
# database, then the exact Jaccard above decides.

# Labels shown to moderators and, for holds, to the author (translated at display).
LABELS = {
    "new_account": N_("Compte créé il y a moins de 24 heures"),
    "duplicate_text": N_("Texte identique à celui d'un autre avis"),
    "near_duplicate": N_("Texte presque identique à celui d'un autre avis"),
    "company_burst": N_("Afflux inhabituel d'avis sur cette entreprise"),
    "same_network": N_("Plusieurs avis sur cette entreprise depuis le même réseau"),
    "same_ip_daily": N_("Nombreux avis depuis la même adresse en 24 heures"),
    "incentive_wording": N_("Mention d'une contrepartie pour l'avis"),
    "insider_domain": N_("Adresse e-mail au domaine de l'entreprise"),
    "insider_representative": N_("L'auteur représente l'entreprise"),
    "insider_auditor": N_("L'auteur audite l'entreprise"),
    "insider_former_representative": N_("L'auteur a représenté l'entreprise"),
    "review_ring": N_("Groupe de comptes qui notent les mêmes entreprises en même temps"),
    "report": N_("Avis signalé"),
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


@dataclass(frozen=True)
class Signal:
    code: str
    action: str  # HOLD or REFUSE
    detail: str = ""
    # Earlier reviews of the same group (burst, network, ring, copied text): flagged for a
    # moderator when published, never taken offline (rating.reviews.lifecycle.flag_linked).
    linked: tuple[int, ...] = ()

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
    # The company's reviews per 24-hour slice back from `now` (index 0: the last 24 h), for
    # BURST_HISTORY_DAYS + 1 slices: `daily_counts` of their creation times, counted by the
    # database (a company with 50,000 reviews has ~4,000 in the slices).
    company_daily: Sequence[int] = ()
    company_last_day: Sequence[int] = ()  # ids of the company's other reviews of the last 24 h
    same_network_30d: int = 0  # reviews of the company from this network, this one included
    same_network_ids: Sequence[int] = ()  # ids of the others
    same_ip_24h: int = 0  # reviews from this address in 24 h, any company, this one included
    author_id: int | None = None
    # (author id, company id, review id) of the reviews of the last RING_WINDOW_DAYS on the
    # companies the author reviewed in that time, the author's own included.
    co_reviews: Sequence[tuple[int, int, int]] = ()
    was_representative: bool = False  # a membership of the company that ended
    text_only: bool = field(default=False)  # on edit: only the checks that look at the text


def daily_counts(times: Iterable[datetime], now: datetime, days: int) -> list[int]:
    """Counts per 24-hour slice back from `now`: index 0 is the last 24 h.

    The definition `Submission.company_daily` follows (rating.reviews.screening counts in
    the database; its tests compare the two).
    """
    counts = [0] * days
    for moment in times:
        index = int((now - moment) // timedelta(days=1))
        if 0 <= index < days:
            counts[index] += 1
    return counts


def burst_threshold(history: Sequence[int]) -> float:
    """More reviews than this in 24 h is a burst."""
    return max(BURST_FLOOR, BURST_FACTOR * (median(history) or 0))


def ring_members(author_id: int | None, co_reviews: Sequence[tuple[int, int, int]]):
    """Review ring: the other accounts that reviewed RING_MIN_COMPANIES of the author's companies.

    Returns (partners, companies, ids of the group's reviews on those companies).
    """
    own = {company for author, company, _ in co_reviews if author == author_id}
    if author_id is None or len(own) < RING_MIN_COMPANIES:
        return set(), set(), ()
    shared: dict[int, set[int]] = defaultdict(set)
    for author, company, _ in co_reviews:
        if author != author_id and company in own:
            shared[author].add(company)
    partners = {a for a, companies in shared.items() if len(companies) >= RING_MIN_COMPANIES}
    if len(partners) + 1 < RING_MIN_ACCOUNTS:
        return set(), set(), ()
    companies = set().union(*(shared[p] for p in partners))
    group = partners | {author_id}
    ids = tuple(sorted(r for a, c, r in co_reviews if a in group and c in companies))
    return partners, companies, ids


def check_new_account(s: Submission) -> Signal | None:
    if s.account_created_at and s.now - s.account_created_at < timedelta(hours=NEW_ACCOUNT_HOURS):
        return Signal("new_account", HOLD)
    return None


def check_duplicates(s: Submission) -> Signal | None:
    """Duplicate text: exact (normalised SHA-256) or near (Jaccard on 5-char shingles ≥ 0.8)."""
    own_print, own_shingles = fingerprint(s.text), shingles(s.text)
    exact, near = [], []
    for review_id, other in s.recent_texts:
        if fingerprint(other) == own_print:
            exact.append(review_id)
            continue
        similarity = jaccard(own_shingles, shingles(other))
        if similarity >= NEAR_DUPLICATE_JACCARD:
            near.append((similarity, review_id))
    linked = tuple(exact + [review_id for _, review_id in near])
    if exact:
        return Signal("duplicate_text", HOLD, f"avis n° {exact[0]}", linked)
    if near:
        similarity, review_id = max(near)
        detail = f"avis n° {review_id} (similarité {similarity:.2f})"
        return Signal("near_duplicate", HOLD, detail, linked)
    return None


def check_burst(s: Submission) -> Signal | None:
    counts = [*s.company_daily, *[0] * (BURST_HISTORY_DAYS + 1 - len(s.company_daily))]
    threshold = burst_threshold(counts[1:])
    if counts[0] > threshold:
        detail = f"{counts[0]} avis en 24 h (seuil {threshold:g})"
        return Signal("company_burst", HOLD, detail, tuple(s.company_last_day))
    return None


def check_same_network(s: Submission) -> Signal | None:
    if s.same_network_30d >= SAME_NETWORK_COUNT:
        detail = f"{s.same_network_30d} avis en 30 jours"
        return Signal("same_network", HOLD, detail, tuple(s.same_network_ids))
    return None


def check_same_ip(s: Submission) -> Signal | None:
    if s.same_ip_24h > SAME_IP_PER_DAY:
        return Signal("same_ip_daily", HOLD, f"{s.same_ip_24h} avis en 24 h")
    return None


def check_ring(s: Submission) -> Signal | None:
    partners, companies, ids = ring_members(s.author_id, s.co_reviews)
    if not partners:
        return None
    detail = (
        f"{len(partners) + 1} comptes, {len(companies)} entreprises en commun "
        f"en {RING_WINDOW_DAYS} jours"
    )
    return Signal("review_ring", HOLD, detail, ids)


def check_incentive(s: Submission) -> Signal | None:
    found = incentive_matches(s.text)
    if found:
        return Signal("incentive_wording", HOLD, ", ".join(sorted(set(found))))
    return None


def check_insider(s: Submission) -> Signal | None:
    """Insiders: the company's representatives and auditors are refused; its domain is held."""
    if s.represents:
        return Signal("insider_representative", REFUSE)
    if s.audits:
        return Signal("insider_auditor", REFUSE)
    domain = (s.company_domain or "").lower().removeprefix("www.")
    email_domain = (s.author_email or "").rpartition("@")[2].lower()
    if domain and (email_domain == domain or email_domain.endswith("." + domain)):
        return Signal("insider_domain", HOLD, email_domain)
    if s.was_representative:
        return Signal("insider_former_representative", HOLD)
    return None


TEXT_CHECKS = (check_insider, check_duplicates, check_incentive)
ALL_CHECKS = (
    *TEXT_CHECKS,
    check_new_account,
    check_burst,
    check_same_network,
    check_same_ip,
    check_ring,
)


def evaluate(s: Submission) -> Verdict:
    """Run the checks and decide: refuse > hold > publish."""
    checks = TEXT_CHECKS if s.text_only else ALL_CHECKS
    found = tuple(signal for check in checks if (signal := check(s)) is not None)
    if any(sig.action == REFUSE for sig in found):
        return Verdict(REFUSE, found)
    return Verdict(HOLD if found else PUBLISH, found)
