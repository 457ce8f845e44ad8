"""Phone numbers and e-mail addresses are masked in review text; other numbers are left alone."""

import pytest

from rating.reviews.masking import EMAIL_MASK, PHONE_MASK, mask_contacts


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
