"""One published review as a line of reviews.csv, and the cells of every open-data CSV (pure).

What the line holds is what is already public on the site, nothing more: no author identity
(a keyed hash instead), no network, device or address keys, the texts as shown (invisible
characters removed, contacts already masked when stored).
"""

import hashlib
import hmac
from datetime import UTC, date, datetime

from rating.plaintext import visible

from .descriptors import columns

REVIEW_COLUMNS = columns("reviews")
AUTHOR_KEY_LENGTH = 32  # hex digits: 128 bits, no collision among millions of authors
# The text columns, shown as the site shows them (rating.plaintext.visible).
TEXTS = {"title": "title", "text": "body"}


def author_key(secret: bytes, author_id: int) -> str:
    """HMAC-SHA-256 of the author's id under `secret`: the same for every review of an
    author, and without the secret nobody can tell which account it is (ids are small
    numbers: a plain hash of one would be reversed by trying them all)."""
    digest = hmac.new(secret, f"author:{author_id}".encode(), hashlib.sha256).hexdigest()
    return digest[:AUTHOR_KEY_LENGTH]


def derived_secret(secret_key: str) -> bytes:
    """The author-key secret when none is configured: derived from the app's SECRET_KEY
    (a separate HMAC, so the open data never reveals anything about SECRET_KEY itself)."""
    return hmac.new(secret_key.encode(), b"opendata-author-key", hashlib.sha256).digest()


def cell(value) -> str:
    """A value as Table Schema reads it: "" for none, true/false, ISO dates, UTC times with Z."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC)
        return value.strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def review_row(review, secret: bytes) -> list[str]:
    """The cells of one review in REVIEW_COLUMNS order. `review` has the attributes of a
    Review (an ORM object or a row of the export's query) plus `company_slug`."""
    values = {
        "review_id": review.id,
        "author_key": author_key(secret, review.author_id),
        **{name: visible(getattr(review, attribute)) for name, attribute in TEXTS.items()},
    }
    return [
        cell(values[name] if name in values else getattr(review, name)) for name in REVIEW_COLUMNS
    ]
