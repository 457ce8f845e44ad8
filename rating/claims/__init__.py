"""Companies claim their profile: claims, the admin queue, colleagues, declared profile."""

from .views import bp

__all__ = ["bp"]
