"""Reading event coordinates and dates from CSV files with one-line, user-facing errors."""

from __future__ import annotations

import csv
import datetime as dt
import math
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from safecity.analytics.errors import InputError

__all__ = ["ColumnTable", "EventTable", "InputError", "read_columns", "read_events"]


@dataclass(frozen=True)
class EventTable:
    """Coordinates (and optional dates) of events read from a CSV file."""

    x: NDArray[np.float64]
    y: NDArray[np.float64]
    dates: list[dt.date] | None

    def days_since_first(self) -> NDArray[np.float64]:
        """Event dates as whole days since the earliest event."""
        if not self.dates:
            raise InputError("no dates were read")
        first = min(self.dates)
        return np.array([(d - first).days for d in self.dates], dtype=float)


def _column_index(header: list[str], column: str, option: str, path: Path) -> int:
    if column in header:
        return header.index(column)
    available = ", ".join(repr(h) for h in header)
    raise InputError(f"{option}: column {column!r} not found in {path} (columns: {available})")


def _number(raw: str, column: str, option: str, line: int) -> float:
    try:
        value = float(raw)
    except ValueError:
        raise InputError(f"line {line}: {option} column {column!r} value {raw!r} is not a number") from None
    if not math.isfinite(value):
        raise InputError(f"line {line}: {option} column {column!r} value {raw!r} is not a finite number")
    return value


@contextmanager
def _csv_rows(file_path: Path) -> Iterator[tuple[list[str], Any]]:
    """The stripped header and a `csv.reader` over the data rows; every read failure becomes one InputError."""
    if not file_path.is_file():
        raise InputError(f"CSV: file not found: {file_path}")
    try:
        with file_path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.reader(handle)
            header = next(reader, None)
            if header is None:
                raise InputError(f"CSV: {file_path} is empty (no header row)")
            yield [h.strip() for h in header], reader
    except UnicodeDecodeError as exc:
        raise InputError(f"CSV: {file_path} is not UTF-8 text ({exc.reason})") from None
    except csv.Error as exc:
        raise InputError(f"CSV: {file_path} could not be parsed: {exc}") from None
    except OSError as exc:
        raise InputError(f"CSV: cannot read {file_path}: {exc.strerror}") from None


def read_events(
    path: str | Path,
    x_column: str,
    y_column: str,
    date_column: str | None = None,
    date_format: str = "%d/%m/%Y",
) -> EventTable:
    """Read x, y (and optionally a date) per row; line numbers in errors are 1-based file lines."""
    file_path = Path(path)
    xs: list[float] = []
    ys: list[float] = []
    dates: list[dt.date] = []
    with _csv_rows(file_path) as (header, reader):
        ix = _column_index(header, x_column, "--x", file_path)
        iy = _column_index(header, y_column, "--y", file_path)
        idate = None if date_column is None else _column_index(header, date_column, "--date", file_path)
        width = max(i for i in (ix, iy, idate) if i is not None) + 1
        for row in reader:
            line = reader.line_num
            if not row or all(not cell.strip() for cell in row):
                continue
            if len(row) < width:
                raise InputError(f"line {line}: expected at least {width} fields, found {len(row)}")
            xs.append(_number(row[ix].strip(), x_column, "--x", line))
            ys.append(_number(row[iy].strip(), y_column, "--y", line))
            if idate is not None and date_column is not None:
                raw = row[idate].strip()
                try:
                    dates.append(dt.datetime.strptime(raw, date_format).date())  # noqa: DTZ007
                except ValueError:
                    raise InputError(
                        f"line {line}: --date column {date_column!r} value {raw!r} "
                        f"does not match --date-format {date_format!r}"
                    ) from None
    if not xs:
        raise InputError(f"CSV: {file_path} has no data rows")
    return EventTable(np.asarray(xs), np.asarray(ys), dates if date_column is not None else None)


@dataclass(frozen=True)
class ColumnTable:
    """Raw (stripped) text of chosen columns, keyed by the command-line option that named each column."""

    lines: list[int]  # 1-based file line of each row, for error messages
    cells: dict[str, list[str]]
    columns: dict[str, str]  # option -> column name


def read_columns(path: str | Path, columns: dict[str, str]) -> ColumnTable:
    """Read the named columns as text; ``columns`` maps an option (e.g. ``--race``) to a column name."""
    file_path = Path(path)
    lines: list[int] = []
    cells: dict[str, list[str]] = {option: [] for option in columns}
    with _csv_rows(file_path) as (header, reader):
        index = {option: _column_index(header, name, option, file_path) for option, name in columns.items()}
        width = max(index.values()) + 1
        for row in reader:
            if not row or all(not cell.strip() for cell in row):
                continue
            if len(row) < width:
                raise InputError(f"line {reader.line_num}: expected at least {width} fields, found {len(row)}")
            lines.append(reader.line_num)
            for option, i in index.items():
                cells[option].append(row[i].strip())
    if not lines:
        raise InputError(f"CSV: {file_path} has no data rows")
    return ColumnTable(lines, cells, dict(columns))
