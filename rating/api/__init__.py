"""The read-only public API under /api/v1: companies and their reviews (views), the audit's
open data (grades), reviews.csv and the CSV descriptors (opendata), and its OpenAPI
document; every /api/v1 route is on this blueprint."""

from . import chain, grades, opendata  # noqa: F401 - the open-data routes attach to bp on import
from .views import bp

__all__ = ["bp"]
