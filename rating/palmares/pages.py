"""What the palmarès adds to the sector page (rankings) and the company page (badge embed)."""

from flask_babel import gettext
from markupsafe import escape
from sqlalchemy.orm import Session

from rating.companies.services import register_page_context
from rating.models import Company, Sector

from . import services
from .views import site_url


def sector_context(session: Session, sector: Sector) -> dict:
    """`palmares` for templates/companies/_sector_ranking.html."""
    return {"palmares": services.sector_palmares(session, sector)}


def company_context(session: Session, company: Company) -> dict:
    """`badge_embed` for templates/palmares/_badge_embed.html (no query)."""
    badge_url = site_url("palmares.badge", slug=company.slug)
    company_url = site_url("companies.detail", slug=company.slug)
    alt = gettext("Avis clients et note d'audit de %(name)s sur Observatoire", name=company.name)
    snippet = (
        f'<a href="{escape(company_url)}"><img src="{escape(badge_url)}" '
        f'alt="{escape(alt)}" width="300" height="80"></a>'
    )
    return {
        "badge_embed": {
            "badge_url": badge_url,
            "company_url": company_url,
            "alt": alt,
            "snippet": snippet,
        }
    }


register_page_context("sector", sector_context)
register_page_context("company", company_context)
