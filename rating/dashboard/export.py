"""CSV export of a company's reviews and scores, safe to open in a spreadsheet (pure).

Format, chosen for French Excel, the tool most representatives use:
- UTF-8 with a byte-order mark (Excel otherwise reads it as Windows-1252);
- `;` as separator (French Excel expects it: `,` is the decimal comma), every line ends CRLF;
- numbers as the dashboard shows them (decimal comma: "3,4", rates "85 %"), dates ISO 8601,
  times in UTC ("2026-11-23 14:05");
- two sections: the reviews table, an empty line, then "indicateur;valeur" rows holding the
  very figures of the dashboard page.
Formula injection (CSV injection) is neutralised by `rating.csvfile`, like every CSV the
site produces.
"""

from collections.abc import Iterable, Sequence

from rating.csvfile import csv_text

DELIMITER = ";"

REVIEW_COLUMNS = (
    ("id", "id"),
    ("date_experience", "experience_date"),
    ("date_publication", "published_at"),
    ("canal", "channel"),
    ("etoiles", "stars"),
    ("joignabilite", "reachability"),
    ("temps_attente", "waiting"),
    ("amabilite", "courtesy"),
    ("ecoute", "listening"),
    ("resolution", "resolution"),
    ("reactivite", "responsiveness"),
    ("suivi", "follow_up"),
    ("competence", "competence"),
    ("probleme_resolu", "solved"),
    ("origine", "origin"),
    ("statut", "status"),
    ("date_reponse", "reply_at"),
    ("resolu_apres_reponse", "solved_after_reply"),
    ("titre", "title"),
    ("texte", "body"),
)


def build_csv(reviews: Iterable[dict], figures: Sequence[tuple[str, str]]) -> str:
    """The whole file: BOM, the reviews (dicts keyed as REVIEW_COLUMNS' 2nd item), the figures."""
    rows = [[name for name, _ in REVIEW_COLUMNS]]
    rows += [[review.get(key) for _, key in REVIEW_COLUMNS] for review in reviews]
    rows += [[], ["indicateur", "valeur"], *figures]
    return csv_text(rows, delimiter=DELIMITER, bom=True)
