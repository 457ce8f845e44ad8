"""Companies from the SIRENE register (INSEE's StockUniteLegale file, Licence Ouverte)."""

from .importer import Counts, ImportFailed, import_stock, search_source
from .layout import SKIP_REASONS

__all__ = ["SKIP_REASONS", "Counts", "ImportFailed", "import_stock", "search_source"]
