"""Administrators' pages: companies, sectors, users, suggestions and the log of their actions."""

from . import company_views, people_views  # noqa: F401 - routes attach on import
from .views import bp

__all__ = ["bp"]
