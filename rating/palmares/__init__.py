"""Public rankings by sector (palmarès) and the embeddable badge."""

from .views import bp

__all__ = ["bp"]
