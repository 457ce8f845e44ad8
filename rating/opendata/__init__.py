"""Open data: the published CSV files, their Table Schema descriptors, the daily export of
reviews.csv (export.export_all) and the /donnees page."""

from .views import bp

__all__ = ["bp"]
