"""The browser journeys through the real UI (see conftest.py)."""
