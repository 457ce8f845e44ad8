"""The layout's fixed parts (header links, footer) are rendered once per language and page kind
(rating.pagecache.chrome) and reused: each page still marks itself, in its own language."""

import re

CURRENT = re.compile(r'<a href="([^"]+)" aria-current="page">')


def marked(page: str) -> list[str]:
    """The links the main menu marks as the current page."""
    menu = page.split('<nav class="main-nav"', 1)[1].split("</nav>", 1)[0]
    return CURRENT.findall(menu)


def test_each_page_marks_itself_in_the_menu(client, db):
    for _ in range(2):  # the second round is served from the memo
        assert marked(client.get("/companies").text) == ["/companies"]
        assert marked(client.get("/palmares").text) == ["/palmares"]
        assert marked(client.get("/mentions-legales").text) == []


def test_the_layout_follows_the_language_of_each_request(client, db):
    for _ in range(2):
        english = client.get("/mentions-legales?lang=en").text
        french = client.get("/mentions-legales?lang=fr").text
        assert "Legal notice" in english and "Mentions légales" not in english
        assert "Mentions légales" in french and "Legal notice" not in french
        assert '<html lang="en">' in english and '<html lang="fr">' in french
