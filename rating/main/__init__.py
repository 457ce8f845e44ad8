"""Site-wide pages: home, health check, static information pages."""

from . import crawlers  # noqa: F401  (robots.txt and the sitemap join the blueprint)
from .views import bp

__all__ = ["bp"]
