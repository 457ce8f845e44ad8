"""The numbered pagination shows the first and last pages, two on each side of the current
one and a gap between: the same links however many pages there are."""

import re
from types import SimpleNamespace

import pytest


def shown(app, page: int, pages: int) -> list[str]:
    with app.test_request_context("/"):
        macros = app.jinja_env.get_template("_macros/ui.html").module
        html = str(macros.pagination(SimpleNamespace(page=page, pages=pages), "admin.log_view"))
    items = re.findall(r"<li(.*?)</li>", html, re.S)
    texts = [re.sub(r"<[^>]+>", "", item.split(">", 1)[1]) for item in items]
    return [text.replace("Page ", "").strip() for text in texts]


@pytest.mark.parametrize(
    ("page", "pages", "links"),
    [
        (1, 1, []),
        (1, 5000, ["1", "2", "3", "…", "5000", "Suivante"]),
        (
            2500,
            5000,
            ["Précédente", "1", "…", *map(str, range(2498, 2503)), "…", "5000", "Suivante"],
        ),
        (5000, 5000, ["Précédente", "1", "…", "4998", "4999", "5000"]),
        (4, 7, ["Précédente", *map(str, range(1, 8)), "Suivante"]),
        (5, 9, ["Précédente", "1", "…", *map(str, range(3, 8)), "…", "9", "Suivante"]),
        (5003, 5000, ["Précédente", "1", "5000"]),  # past the end (an old link)
    ],
)
def test_pages_around_the_current_one(app, page, pages, links):
    assert shown(app, page, pages) == links
