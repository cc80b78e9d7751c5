"""The generic readers now live in `safecity.core.importing.reading`; kept so incident parsers import them here."""

from safecity.core.importing.reading import CsvRow, CsvSource, LineReader, SourceInfo, inspect

__all__ = ["CsvRow", "CsvSource", "LineReader", "SourceInfo", "inspect"]
