"""Turning stop-data CSV text into typed values, with errors that name the line, option and column.

Value conventions follow the Stanford Open Policing schema (``date`` YYYY-MM-DD, ``time`` HH:MM, booleans
TRUE/FALSE, ``NA`` for not recorded).
"""

from __future__ import annotations

import datetime as dt
import math

from safecity.analytics.csv_input import ColumnTable
from safecity.analytics.errors import InputError

__all__ = ["MISSING", "is_missing", "parse_bool", "parse_clock_minute", "parse_date", "parse_degrees"]

MISSING = frozenset({"", "na", "n/a", "nan", "null", "none"})
_TRUE = frozenset({"true", "t", "yes", "y", "1"})
_FALSE = frozenset({"false", "f", "no", "n", "0"})


def is_missing(raw: str) -> bool:
    return raw.strip().lower() in MISSING


def _where(table: ColumnTable, option: str, row: int) -> str:
    return f"line {table.lines[row]}: {option} column {table.columns[option]!r}"


def parse_bool(table: ColumnTable, option: str, row: int) -> bool | None:
    """TRUE/FALSE (also t/f, yes/no, y/n, 1/0); ``None`` for NA or empty."""
    raw = table.cells[option][row]
    text = raw.lower()
    if text in MISSING:
        return None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise InputError(f"{_where(table, option, row)} value {raw!r} is not TRUE/FALSE (or NA)")


def parse_date(table: ColumnTable, option: str, row: int, date_format: str) -> dt.date:
    raw = table.cells[option][row]
    try:
        return dt.datetime.strptime(raw, date_format).date()  # noqa: DTZ007 - a calendar date, no zone
    except ValueError:
        raise InputError(
            f"{_where(table, option, row)} value {raw!r} does not match --date-format {date_format!r}"
        ) from None


def parse_clock_minute(table: ColumnTable, option: str, row: int) -> int:
    """``HH:MM`` or ``HH:MM:SS`` (24-hour) as minutes after midnight."""
    raw = table.cells[option][row]
    parts = raw.split(":")
    try:
        if len(parts) not in (2, 3):
            raise ValueError
        hour, minute = int(parts[0]), int(parts[1])
        second = int(parts[2]) if len(parts) == 3 else 0
        if not (0 <= hour < 24 and 0 <= minute < 60 and 0 <= second < 60):
            raise ValueError
    except ValueError:
        raise InputError(f"{_where(table, option, row)} value {raw!r} is not a 24-hour time HH:MM") from None
    return hour * 60 + minute


def parse_degrees(table: ColumnTable, option: str, row: int, limit: float) -> float:
    raw = table.cells[option][row]
    try:
        value = float(raw)
    except ValueError:
        raise InputError(f"{_where(table, option, row)} value {raw!r} is not a number") from None
    if not math.isfinite(value) or abs(value) > limit:
        raise InputError(f"{_where(table, option, row)} value {raw!r} is not between -{limit:g} and {limit:g}")
    return value
