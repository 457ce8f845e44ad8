"""Independent audits: campaigns, grades by methodology, four-eyes publication, open data."""

from . import company_page, public  # noqa: F401 - routes and page hooks attach on import
from .cli import audit_cli
from .views import bp

__all__ = ["audit_cli", "bp"]
