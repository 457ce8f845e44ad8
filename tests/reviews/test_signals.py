"""Each automatic moderation signal: a case that trips it and one that does not."""

from datetime import UTC, datetime, timedelta

import pytest

from rating.reviews import signals
from rating.reviews.signals import HOLD, PUBLISH, REFUSE, Submission, evaluate

NOW = datetime(2026, 3, 15, 12, 0, tzinfo=UTC)
TEXT = "Le conseiller a été aimable et m'a rappelé le lendemain comme promis, dossier réglé."
OTHER = "Impossible de joindre quelqu'un pendant trois semaines, la ligne sonne dans le vide."


def submission(**overrides) -> Submission:
    fields = {"now": NOW, "text": TEXT, "account_created_at": NOW - timedelta(days=40)}
    fields.update(overrides)
    return Submission(**fields)


def codes(verdict) -> set[str]:
    return {s.code for s in verdict.signals}


def test_an_ordinary_review_is_published():
    verdict = evaluate(submission(recent_texts=[(1, OTHER)]))
    assert (verdict.decision, verdict.signals, verdict.refusal) == (PUBLISH, (), None)


@pytest.mark.parametrize(
    ("age_hours", "held"), [(1, True), (23.9, True), (24, False), (200, False)]
)
def test_new_account(age_hours, held):
    verdict = evaluate(submission(account_created_at=NOW - timedelta(hours=age_hours)))
    assert ("new_account" in codes(verdict)) is held
    assert verdict.decision == (HOLD if held else PUBLISH)


def test_exact_duplicate_ignores_case_accents_and_spaces():
    copy = (
        "  LE CONSEILLER a ete aimable et m'a rappele le lendemain comme promis,  dossier regle !"
    )
    verdict = evaluate(submission(recent_texts=[(7, OTHER), (8, copy)]))
    assert codes(verdict) == {"duplicate_text"}
    assert verdict.signals[0].detail == "avis n° 8"
    assert verdict.decision == HOLD


def test_near_duplicate_with_a_few_words_changed():
    edited = TEXT.replace("aimable", "très aimable").replace("promis,", "promis :")
    assert signals.jaccard(signals.shingles(TEXT), signals.shingles(edited)) >= 0.8
    verdict = evaluate(submission(recent_texts=[(3, edited)]))
    assert codes(verdict) == {"near_duplicate"}


def test_different_texts_on_the_same_subject_are_not_duplicates():
    similar_topic = (
        "Conseiller aimable au téléphone, mais personne ne m'a rappelé malgré la promesse."
    )
    assert signals.jaccard(signals.shingles(TEXT), signals.shingles(similar_topic)) < 0.8
    assert evaluate(submission(recent_texts=[(3, similar_topic), (4, OTHER)])).decision == PUBLISH


def organic_history(per_day: int) -> list[datetime]:
    """`per_day` reviews on each of the 90 days before the last 24 h."""
    return [NOW - timedelta(days=d, hours=3) for d in range(1, 91) for _ in range(per_day)]


@pytest.mark.parametrize(
    ("per_day", "last_24h", "held"),
    [
        (0, 5, False),  # threshold max(5, 0): 5 is not more than 5
        (0, 6, True),
        (2, 10, False),  # threshold max(5, 5 × 2) = 10
        (2, 11, True),
    ],
)
def test_company_burst(per_day, last_24h, held):
    recent = organic_history(per_day) + [NOW - timedelta(minutes=m) for m in range(last_24h)]
    verdict = evaluate(submission(company_daily=signals.daily_counts(recent, NOW, 91)))
    assert ("company_burst" in codes(verdict)) is held


def test_burst_ignores_reviews_older_than_the_history():
    old = [NOW - timedelta(days=120)] * 50
    assert signals.daily_counts(old, NOW, 91) == [0] * 91


@pytest.mark.parametrize(("count", "held"), [(1, False), (2, False), (3, True), (7, True)])
def test_same_network(count, held):
    assert ("same_network" in codes(evaluate(submission(same_network_30d=count)))) is held


@pytest.mark.parametrize(("count", "held"), [(20, False), (21, True)])
def test_same_address_many_reviews_a_day_is_held_not_refused(count, held):
    verdict = evaluate(submission(same_ip_24h=count))
    assert ("same_ip_daily" in codes(verdict)) is held


@pytest.mark.parametrize(
    "phrase",
    [
        "On m'a offert un bon d'achat de 20 euros.",
        "J'ai eu un code promo pour la suite.",
        "Ils m'ont dit que je serais remboursé si je laissais une note.",
        "Une carte cadeau à la clé.",
        "Un cadeau pour un avis positif, rien de moins.",
        "J'ai eu 10 % de réduction pour 5 étoiles.",
        "Une réduction pour un avis, c'est ce qu'on m'a proposé.",
        "En échange d'un bon avis, ils ont fait un geste.",
        "On m'a demandé de laisser un avis contre un geste commercial.",
    ],
)
def test_incentive_wording(phrase):
    verdict = evaluate(submission(text=f"{TEXT} {phrase}"))
    assert "incentive_wording" in codes(verdict)
    assert verdict.decision == HOLD


@pytest.mark.parametrize(
    "phrase",
    [
        "Ils m'ont proposé un produit en échange de mon appareil défectueux.",
        "J'avais acheté ce téléphone comme cadeau d'anniversaire.",
        "Le remboursement est arrivé en dix jours.",
    ],
)
def test_everyday_after_sales_wording_is_not_incentive(phrase):
    assert evaluate(submission(text=f"{TEXT} {phrase}")).decision == PUBLISH


def test_representative_is_refused_with_a_french_message():
    verdict = evaluate(submission(represents=True))
    assert verdict.decision == REFUSE
    assert "Vous représentez cette entreprise" in verdict.refusal


def test_auditor_of_the_company_is_refused():
    verdict = evaluate(submission(audits=True, same_network_30d=5))
    assert verdict.decision == REFUSE
    assert "auditez" in verdict.refusal


@pytest.mark.parametrize(
    ("email", "held"),
    [("paul@acme.fr", True), ("paul@sav.acme.fr", True), ("paul@notacme.fr", False)],
)
def test_email_at_the_company_domain_is_held(email, held):
    verdict = evaluate(submission(author_email=email, company_domain="www.acme.fr"))
    assert ("insider_domain" in codes(verdict)) is held


def test_text_only_evaluation_skips_account_and_volume_checks():
    verdict = evaluate(
        submission(account_created_at=NOW, same_network_30d=9, text_only=True, represents=False)
    )
    assert verdict.decision == PUBLISH


def test_every_signal_has_a_french_label():
    for code in signals.LABELS:
        assert signals.Signal(code, HOLD).label == signals.LABELS[code]
