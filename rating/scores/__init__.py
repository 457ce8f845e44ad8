"""Score summaries at scale: recompute from the rows, check for drift, expire the window."""

from .cli import scores_cli

__all__ = ["scores_cli"]
