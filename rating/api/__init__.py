"""Read-only public JSON API for companies and their reviews (/api/v1)."""

from .views import bp

__all__ = ["bp"]
