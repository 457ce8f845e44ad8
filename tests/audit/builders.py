"""The audit helpers' old name: they live in the shared builder (tests/factories.py)."""

from tests.factories import auditor, campaign, csv_file, full_rows, publish, row, sector_with

__all__ = ["auditor", "campaign", "csv_file", "full_rows", "publish", "row", "sector_with"]
