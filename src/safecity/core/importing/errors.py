"""What goes wrong in an import, located: a whole-run failure naming what to fix, and per-row errors.

`ImportFailure` stops a run before anything is written (a bad argument, an unreadable file, a broken
mapping, a file that is not of the declared kind); `RowError` rejects one row, naming its line, the field as
the user's file calls it, the raw value and the reason; `RowRejected` carries a row's errors out of a parser.
"""

from __future__ import annotations

import io
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from safecity.core import csvsafe

REPORT_HEADER = ["line", "field", "value", "reason"]


class ImportFailure(Exception):
    """A problem with the whole import (argument, file, mapping); `field` names what to fix."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(slots=True)
class RowError:
    line: int
    field: str
    value: str
    reason: str

    def as_row(self) -> list[str]:
        return [str(self.line), self.field, self.value[:200], self.reason[:300]]


class LocatedError(Protocol):
    """A rejected row's error as stored (`RowError`, or an error row read back from the database)."""

    line: int
    field: str
    value: str
    reason: str


class RowRejected(Exception):
    """Raised by a parser for a row it cannot turn into a record; carries every problem found."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__("; ".join(e.reason for e in errors))
        self.errors = errors


def error_report_csv(errors: list[RowError]) -> str:
    """Rejected rows with their raw source values, written through the formula-safe writer (finding 4)."""
    out = io.StringIO()
    writer = csvsafe.writer(out)
    writer.writerow(REPORT_HEADER)
    for error in sorted(errors, key=lambda e: (e.line, e.field)):
        writer.writerow(error.as_row())
    return out.getvalue()


def is_error_report(path: Path) -> bool:
    """Whether `path` is a report this code wrote (its first line is the report header), so a stale one may be
    removed without ever deleting some other file a user pointed --error-report at."""
    try:
        with path.open("r", encoding="utf-8", errors="replace") as handle:
            first = handle.readline()
    except OSError:
        return False
    return first.strip() == ",".join(REPORT_HEADER)


class FullReport:
    """Every error of a run, appended batch by batch to the batch's errors.csv through error_report_csv."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.started = False

    def add(self, errors: list[RowError]) -> None:
        if not errors:
            return
        text = error_report_csv(errors)
        if self.started:
            text = text.split("\n", 1)[1]  # the header is written once
        else:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a" if self.started else "w", encoding="utf-8", newline="") as out:
            out.write(text)
        self.started = True

    def discard(self) -> None:
        shutil.rmtree(self.path.parent, ignore_errors=True)
