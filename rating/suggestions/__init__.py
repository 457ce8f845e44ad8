"""Shoppers suggest missing companies; administrators accept or refuse them."""

from .views import bp

__all__ = ["bp"]
