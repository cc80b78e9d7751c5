"""Importing incidents: NIBRS flat files, city open-data exports and any CSV described by a mapping.

Incidents are one record type of the importer framework (`safecity.core.importing`); see `pipeline`.
"""

from safecity.incidents.importers.pipeline import (
    DEFAULT_BATCH_SIZE,
    FORMATS,
    INCIDENTS,
    ImportOptions,
    ImportResult,
    error_report_csv,
    run_import,
)
from safecity.incidents.importers.records import ImportFailure, RowError

__all__ = [
    "DEFAULT_BATCH_SIZE",
    "FORMATS",
    "INCIDENTS",
    "ImportFailure",
    "ImportOptions",
    "ImportResult",
    "RowError",
    "error_report_csv",
    "run_import",
]
