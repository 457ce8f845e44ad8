"""The badge's embed snippet shown on the company page ("Intégrer le badge")."""

from dataclasses import dataclass

from flask_babel import gettext
from markupsafe import escape

from rating.models import Company
from rating.security import site_url_for


@dataclass(frozen=True)
class BadgeEmbed:
    badge_url: str
    company_url: str
    alt: str
    snippet: str  # the HTML a site owner copies


def badge_embed(company: Company) -> BadgeEmbed:
    """Absolute links (from SITE_URL) to the badge and the page, and the snippet (no query)."""
    badge_url = site_url_for("palmares.badge", slug=company.slug)
    company_url = site_url_for("companies.detail", slug=company.slug)
    alt = gettext("Avis clients et note d'audit de %(name)s sur Observatoire", name=company.name)
    snippet = (
        f'<a href="{escape(company_url)}"><img src="{escape(badge_url)}" '
        f'alt="{escape(alt)}" width="300" height="80"></a>'
    )
    return BadgeEmbed(badge_url, company_url, alt, snippet)
