"""Companies claim their profile: claims, the admin queue, colleagues, declared profile."""

from . import admin_views, demo  # noqa: F401 - routes and the demo step attach on import
from .views import bp

__all__ = ["bp"]
