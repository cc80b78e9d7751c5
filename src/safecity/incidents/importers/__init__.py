"""Importing incidents: NIBRS flat files, city open-data exports and any CSV described by a mapping."""

from safecity.incidents.importers.pipeline import (
    DEFAULT_BATCH_SIZE,
    FORMATS,
    ImportOptions,
    ImportResult,
    error_report_csv,
    run_import,
)
from safecity.incidents.importers.records import ImportFailure, RowError

__all__ = [
    "DEFAULT_BATCH_SIZE",
    "FORMATS",
    "ImportFailure",
    "ImportOptions",
    "ImportResult",
    "RowError",
    "error_report_csv",
    "run_import",
]
