"""Moderation: the queue of held and reported reviews, decisions, and the public charter."""

from .views import bp

__all__ = ["bp"]
