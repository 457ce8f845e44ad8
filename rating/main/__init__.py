"""Site-wide pages: home, health check, static information pages."""

from .views import bp

__all__ = ["bp"]
