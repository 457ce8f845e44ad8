"""Phone numbers and e-mail addresses are masked in review text; other numbers are left alone."""

from datetime import date

import pytest

from rating.plaintext import narrow, visible
from rating.reviews.masking import EMAIL_MASK, PHONE_MASK, mask_contacts
from rating.reviews.rules import ReviewDraft, check_draft


@pytest.mark.parametrize(
    "number",
    [
        "0612345678",
        "06 12 34 56 78",
        "01.23.45.67.89",
        "01-23-45-67-89",
        "+33 6 12 34 56 78",
        "+33612345678",
        "+33 (0)1 23 45 67 89",
        "0033 6 12 34 56 78",
        "09 70 80 81 82",
    ],
)
def test_french_phone_numbers_are_masked(number):
    masked, count = mask_contacts(f"Appelez le {number}, demandez Paul.")
    assert masked == f"Appelez le {PHONE_MASK}, demandez Paul."
    assert count == 1


@pytest.mark.parametrize(
    "address", ["jean.dupont@example.org", "SAV+litige@orange.fr", "marie [at] free.fr"]
)
def test_email_addresses_are_masked(address):
    masked, count = mask_contacts(f"Écrivez à {address} sans attendre.")
    assert masked == f"Écrivez à {EMAIL_MASK} sans attendre."
    assert count == 1


@pytest.mark.parametrize(
    "text",
    [
        "J'ai attendu 45 minutes puis 3 jours, commande n° 2024-11-05.",
        "Facture de 123456 euros, dossier 12345678901234.",
        "Le 3639 est payant, le 15 et le 112 aussi.",
        "Référence AB0612345678X du colis.",
    ],
)
def test_other_numbers_are_left_alone(text):
    assert mask_contacts(text) == (text, 0)


def test_several_contacts_in_one_text():
    masked, count = mask_contacts("Tél 0612345678 ou 01 23 45 67 89, mail a@b.fr")
    assert count == 3
    assert "0612345678" not in masked and "a@b.fr" not in masked


# Letters and digits are what count (rating.plaintext): invisible characters are stripped
# before the masking, which also reads spaced and spelled-out numbers, full-width and
# "[at]"-style addresses.


@pytest.mark.parametrize(
    "number",
    [
        "0 6 1 2 3 4 5 6 7 8",
        "06  12  34  56  78",
        "061 234 5678",
        "+33 6 1 2 3 4 5 6 7 8",
        "zéro six 12 34 56 78",
        "zéro six douze trente-quatre cinquante-six soixante-dix-huit",
        "Zero un quarante-cinq soixante-dix soixante et onze quatre-vingt-douze",
        "0 six 1 2 3 4 5 6 7 8",
        "06\u200b12\u200b34\u200b56\u200b78",
        "０６１２３４５６７８",
    ],
)
def test_spaced_spelled_or_hidden_phone_numbers_are_masked(number):
    masked, count = mask_contacts(f"Appelez le {number} et demandez Paul.")
    assert masked == f"Appelez le {PHONE_MASK} et demandez Paul."
    assert count == 1


@pytest.mark.parametrize(
    "address",
    [
        "marie(at)free.fr",
        "marie [AT] free [dot] fr",
        "marie arobase free point fr",
        "marie {arobase} free.fr",
        "ｍａｒｉｅ＠ｆｒｅｅ．ｆｒ",
        "marie\u200b@\u200bfree.fr",
        "marie@free。fr",
    ],
)
def test_disguised_email_addresses_are_masked(address):
    masked, count = mask_contacts(f"Écrivez à {address} sans attendre.")
    assert masked == f"Écrivez à {EMAIL_MASK} sans attendre."
    assert count == 1


@pytest.mark.parametrize(
    "text",
    [
        "J'ai eu un conseiller, puis deux, puis trois : six appels en tout.",
        "Douze jours d'attente, trente-quatre euros de frais et cinquante minutes au téléphone.",
        "Le point sur mon dossier : rendez-vous à la boutique arobase du centre.",
    ],
)
def test_words_that_are_numbers_but_no_phone_are_left_alone(text):
    assert mask_contacts(text) == (text, 0)


def test_visible_strips_invisible_and_reordering_characters():
    hidden = "\u200b\u200c\u200d\u2060\ufeff\u00ad\u202e\u202d\u2066\u2069\u200e\u3164"
    assert visible(hidden * 10) == ""
    assert visible("Service \u202eelbirroh\u202c client") == "Service elbirroh client"
    assert narrow("Ｔｏｕｔ\u3000va bien。") == "Tout va bien."
    assert visible("Ｔｏｕｔ") == "Ｔｏｕｔ"  # shown as typed; only the masking reads it narrow
    assert visible("Très bien, merci 👍") == "Très bien, merci 👍"
    assert visible(None) == ""


def test_thirty_zero_width_spaces_are_not_a_review():
    draft = ReviewDraft(
        channel="phone", experience_date=date(2026, 11, 1), stars=1, solved="no",
        title="\u200b" * 5, body="\u200b" * 40 + "court", own_experience=True,
    )  # fmt: skip
    fields = {field for field, _ in check_draft(draft, date(2026, 11, 20))}
    assert fields == {"title", "body"}
