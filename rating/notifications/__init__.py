"""Notifications: who is told what by mail, their settings, follows, unsubscribe and bounces."""

from .views import bp

__all__ = ["bp"]
