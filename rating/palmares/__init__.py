"""Public rankings by sector (palmarès) and the embeddable badge."""

from . import pages  # noqa: F401 - registers the sector and company page sections on import
from .views import bp

__all__ = ["bp"]
