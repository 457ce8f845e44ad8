"""Journeys of issue 7 through the real UI (see conftest.py)."""
