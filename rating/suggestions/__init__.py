"""Shoppers suggest missing companies; administrators accept or refuse them."""

from . import admin_views  # noqa: F401 - the administrators' routes attach on import
from .views import bp

__all__ = ["bp"]
