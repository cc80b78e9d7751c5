"""The platform's one CSV writer: every CSV we write (downloads, exports, error reports) goes through here.

Spreadsheets run a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula (``=HYPERLINK(...)``
leaks data, ``+cmd|' /C calc'!A0`` runs a program through DDE), and some strip a leading TAB or CR first.
Following OWASP's "CSV Injection" guidance, a text cell is neutralised by prefixing a single quote, which
spreadsheets show as text and do not evaluate.

The rule (documented in docs/security.md, finding 4):

* only text (``str``) cells are inspected; ``int``, ``float``, ``Decimal``, ``bool``, dates and ``None`` are
  written as they are, so -47.1 stays a number a spreadsheet can sum;
* a text cell is neutralised when it starts with ``= + - @ TAB CR`` or, after leading spaces and line
  breaks (which some spreadsheets trim), with ``= + - @``;
* except when the whole text is a plain decimal number (``-47.1``, ``+3``, ``-1.5e3``): spreadsheets read
  it as a number, never a formula, and the source value stays readable in error reports.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from typing import Any, Protocol

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_AFTER_SPACE = ("=", "+", "-", "@")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


class _Writable(Protocol):
    def write(self, s: str, /) -> Any: ...


def neutralise(value: Any) -> Any:
    """One cell, made safe to open in a spreadsheet (see the module docstring for the rule)."""
    if not isinstance(value, str) or not value:
        return value
    if _PLAIN_NUMBER.fullmatch(value):
        return value
    if value.startswith(TRIGGERS) or value.lstrip(" \t\r\n").startswith(_FORMULA_AFTER_SPACE):
        return "'" + value
    return value


def is_dangerous(value: str) -> bool:
    """True when a cell read back from a CSV would be evaluated as a formula (used by tests and checks)."""
    return neutralise(value) != value


class SafeWriter:
    """csv.writer with every cell passed through `neutralise`."""

    def __init__(self, out: _Writable, **fmt: Any) -> None:
        self._writer = csv.writer(out, **fmt)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow([neutralise(cell) for cell in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def writer(out: _Writable, **fmt: Any) -> SafeWriter:
    return SafeWriter(out, **fmt)


def render(header: Sequence[Any], rows: Iterable[Sequence[Any]], preamble: Sequence[str] = ()) -> tuple[str, int]:
    """A whole CSV document as text and the number of data rows; preamble lines are written as ``# line``."""
    buf = io.StringIO()
    w = writer(buf)
    for line in preamble:
        w.writerow([f"# {line}"])
    w.writerow(header)
    n = 0
    for row in rows:
        w.writerow(["" if v is None else v for v in row])
        n += 1
    return buf.getvalue(), n
