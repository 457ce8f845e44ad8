"""Display rules of company data (pure functions)."""

import pytest

from rating.companies.formatting import format_siren, is_link, tel_href, website_url


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("552081317", "552 081 317"),
        ("12345", "12345"),
        ("", ""),
        (None, ""),
        ("55208131A", "55208131A"),
    ],
)
def test_format_siren(raw, shown):
    assert format_siren(raw) == shown


@pytest.mark.parametrize(
    ("number", "href"),
    [
        ("0 800 12 34 56", "tel:+33800123456"),
        ("01 99 00 12 34", "tel:+33199001234"),
        ("0 892 12 34 56", "tel:+33892123456"),
        ("3615", None),
        ("@Marque_Aide", None),
    ],
)
def test_tel_href(number, href):
    assert tel_href(number) == href


def test_website_url_and_links():
    assert website_url("exemple.example") == "https://exemple.example"
    assert website_url("https://a.example") == "https://a.example"
    assert website_url(None) is None
    assert is_link("https://a.example/contact")
    assert not is_link("Service clients, TSA 12345, Lyon Cedex")
