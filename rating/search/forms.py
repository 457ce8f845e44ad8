"""The search form (GET: no CSRF token; every value is optional and cleaned, never refused)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SearchField, SelectChoice, SelectField
from wtforms.validators import Optional

from .analysis import MAX_QUERY_CHARS, clean_query
from .query import MAX_PAGE, SORTS

LETTERS = ("A", "B", "C", "D", "E")


class SearchForm(FlaskForm):
    """/search?q=&sector=&region=&letter=&france=&sort=&page= — facets are kept as hidden fields."""

    class Meta:
        csrf = False

    q = SearchField(_l("Rechercher une entreprise"), validators=[Optional()])
    sort = SelectField(
        _l("Trier par"),
        choices=[
            SelectChoice("", _l("Pertinence")),
            SelectChoice("score", _l("Note des consommateurs")),
            SelectChoice("grade", _l("Note d'audit")),
        ],
        validators=[Optional()],
    )
    sector = HiddenField()
    region = HiddenField()
    letter = HiddenField()
    france = HiddenField()  # "1": answered in France according to customers

    def params(self, page_arg) -> dict:
        """Cleaned search parameters; anything odd is dropped rather than refused."""
        letter = (self.letter.data or "").upper()
        try:
            page = min(max(int(page_arg or 1), 1), MAX_PAGE)
        except (TypeError, ValueError):
            page = 1
        return {
            "q": clean_query(self.q.data)[:MAX_QUERY_CHARS],
            "sector": (self.sector.data or "")[:60] or None,
            "region": (self.region.data or "")[:120] or None,
            "letter": letter if letter in LETTERS else None,
            "france": "1" if self.france.data == "1" else None,
            "sort": self.sort.data if self.sort.data in SORTS else None,
            "page": page,
        }
