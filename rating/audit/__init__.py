"""Independent audits: campaigns, grades by methodology, four-eyes publication, open data."""

from . import public  # noqa: F401 - its routes attach to the blueprint on import
from .cli import audit_cli
from .views import bp

__all__ = ["audit_cli", "bp"]
