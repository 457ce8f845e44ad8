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


def clean_params(values, page_arg) -> dict:
    """The search parameters of `values` (the form's data, or the query string itself: a GET
    form only reads the first value of each name), cleaned; anything odd is dropped rather
    than refused. The results page reads them from the query string without building the
    form (0.2 ms of each cached view)."""
    letter = (values.get("letter") or "").upper()
    try:
        page = min(max(int(page_arg or 1), 1), MAX_PAGE)
    except (TypeError, ValueError):
        page = 1
    sort = values.get("sort")
    return {
        "q": clean_query(values.get("q"))[:MAX_QUERY_CHARS],
        "sector": (values.get("sector") or "")[:60] or None,
        "region": (values.get("region") or "")[:120] or None,
        "letter": letter if letter in LETTERS else None,
        "france": "1" if values.get("france") == "1" else None,
        "sort": sort if sort in SORTS else None,
        "page": page,
    }
