"""Digital Services Act: notices of illegal content, statements of reasons and appeals."""

from .views import bp

__all__ = ["bp"]
