"""Legal and trust pages: legal notice, terms of use, privacy, cookies, accessibility, about."""

from .views import bp

__all__ = ["bp"]
