"""robots.txt and the sitemap (an index at /sitemap.xml of files /sitemap-<n>.xml)."""

from xml.sax.saxutils import escape

from flask import Response, abort, current_app

from ..db import get_session
from ..security import site_url_for
from . import sitemap
from .views import bp

# Pages behind a sign-in, forms and links that only make sense once (tokens), and the
# search results (an endless space of queries): nothing there for a search engine.
DISALLOWED = (
    "/account",
    "/mes-avis",
    "/dashboard",
    "/moderation",
    "/audit",
    "/admin",
    "/login",
    "/logout",
    "/register",
    "/reset",
    "/verify",
    "/verification",
    "/search",
    "/signalements/",
    "/companies/*/review",
    "/companies/*/claim",
    "/companies/*/join/",
    "/companies/*/invitations",
    "/reviews/",
)
XMLNS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XML_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'


@bp.route("/robots.txt")
def robots():
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in DISALLOWED), "Allow: /", ""]
    lines.append(f"Sitemap: {site_url_for('main.sitemap_index')}")
    return Response("\n".join(lines) + "\n", mimetype="text/plain")


def per_file() -> int:
    return int(current_app.config["SITEMAP_MAX_URLS"])


@bp.route("/sitemap.xml")
def sitemap_index():
    """The index of the sitemap files (search engines read at most 50,000 URLs a file)."""
    count = sitemap.file_count(get_session(), per_file())
    items = "".join(
        f"<sitemap><loc>{escape(site_url_for('main.sitemap_file', number=n))}</loc></sitemap>\n"
        for n in range(1, count + 1)
    )
    body = f'{XML_HEAD}<sitemapindex xmlns="{XMLNS}">\n{items}</sitemapindex>\n'
    return Response(body, mimetype="application/xml")


@bp.route("/sitemap-<int:number>.xml")
def sitemap_file(number: int):
    """One file of the sitemap. Its rows are read in batches (sitemap.COMPANY_BATCH) and the
    body is built in one pass: at most a few megabytes for 50,000 URLs. Not streamed, so the
    request's database session is never held by a response nobody finishes reading."""
    session, size = get_session(), per_file()
    if not 1 <= number <= sitemap.file_count(session, size):
        abort(404)

    def generate():
        yield f'{XML_HEAD}<urlset xmlns="{XMLNS}">\n'
        for entry in sitemap.entries(session, number, size):
            lastmod = (
                f"<lastmod>{entry.lastmod.date().isoformat()}</lastmod>" if entry.lastmod else ""
            )
            yield f"<url><loc>{escape(entry.loc)}</loc>{lastmod}</url>\n"
        yield "</urlset>\n"

    return Response("".join(generate()), mimetype="application/xml")
