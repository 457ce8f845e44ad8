"""The private company dashboard: scorecard, charts, replies to do, export."""

from .views import bp

__all__ = ["bp"]
