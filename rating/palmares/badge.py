"""What the embeddable SVG badge draws: French texts and colours (pure, no Flask).

The badge is always in French: one URL gives one image, so that shared caches and the
ETag stay valid whatever the visitor's language. It uses system fonts and presentation
attributes only (no <style>, no script, no external resource): it renders inside an
<img> on any site and under our CSP (style-src 'self') when opened directly.
"""

from dataclasses import dataclass

from babel.numbers import format_decimal

BADGE_LOCALE = "fr_FR"  # see above: the image itself does not follow the visitor's language

SITE_NAME = "Observatoire du service client"
MAX_NAME = 30  # characters that fit the badge at 13 px; the full name is in <title>
# The site's grade colours (static/css/site.css), text colour chosen for AA contrast.
LETTER_COLOURS = {
    "A": ("#176b2c", "#ffffff"),
    "B": ("#3d6e14", "#ffffff"),
    "C": ("#f0c419", "#1c2430"),
    "D": ("#b4410c", "#ffffff"),
    "E": ("#a51d1d", "#ffffff"),
}
NO_LETTER = ("#e5e7eb", "#1c2430")


@dataclass(frozen=True)
class BadgeText:
    name: str  # shortened to fit
    score: str  # "4,2/5", or "Aucun avis" when no review counts
    reviews: str  # " · 128 avis" beside the score, or ""
    letter: str  # "A".."E" or "—"
    period: str  # "2026-T4" or ""
    letter_fill: str
    letter_ink: str
    label: str  # the whole badge in one sentence, for <title> and alt text


def french_decimal(value: float) -> str:
    return format_decimal(value, "0.0", locale=BADGE_LOCALE)


def review_count(count: int) -> str:
    if count == 0:
        return "aucun avis"
    return format_decimal(count, locale=BADGE_LOCALE) + " avis"  # narrow no-break space: 12 345


def shorten(name: str, limit: int = MAX_NAME) -> str:
    name = " ".join(name.split())
    return name if len(name) <= limit else name[: limit - 1].rstrip() + "…"


def badge_text(name, score, reviews, letter, period, methodology) -> BadgeText:
    """Texts of the badge; the audit letter and the community score stay apart."""
    shown_score = f"{french_decimal(score)}/5" if score is not None else "Aucun avis"
    fill, ink = LETTER_COLOURS.get(letter or "", NO_LETTER)
    community = (
        f"avis clients {shown_score} sur {review_count(reviews)}"
        if score is not None
        else "aucun avis client"
    )
    if letter:
        audit = f"note d'audit {letter} ({period}, méthodologie {methodology})"
    elif period:
        audit = f"audit {period} : données insuffisantes"
    else:
        audit = "pas encore de note d'audit"
    return BadgeText(
        name=shorten(name),
        score=shown_score,
        reviews=f" · {review_count(reviews)}" if score is not None else "",
        letter=letter or "—",
        period=period or "",
        letter_fill=fill,
        letter_ink=ink,
        label=f"{SITE_NAME} — {' '.join(name.split())} : {community} ; {audit}",
    )
