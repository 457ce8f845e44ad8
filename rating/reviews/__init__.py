"""Reviews: writing, editing, replies, reports, and the community score of each company."""

from .views import bp

__all__ = ["bp"]
