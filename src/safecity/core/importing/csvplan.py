"""A plan for the common case: a CSV whose columns map onto one model's fields.

A record type subclasses `CsvPlan`, names the columns it needs (`columns`: the user's column → meaning) and
writes `parse(line, row)`, which turns one row into the model's values or raises `RowRejected` naming each
bad column and value. Reading (encoding detection, located width and encoding errors), the header check
("this does not look like a CSV with the columns of …") and keying are done here; the store is a
`ModelStore` unless the type brings its own.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, ClassVar

from safecity.core.importing.errors import ImportFailure, RowError, RowRejected
from safecity.core.importing.reading import CsvSource, SourceInfo
from safecity.core.importing.spec import Encoded, ImportOptions, Plan, Rows
from safecity.core.importing.store import ModelStore


@dataclass(slots=True)
class CsvRecord:
    line: int
    key: str
    values: dict[str, Any]


class CsvPlan(Plan):
    columns: ClassVar[tuple[str, ...]]  # header columns the file must have
    key_column: ClassVar[str]
    layout: ClassVar[str] = "this record type"  # "a CSV with the columns of <layout>"
    store: ModelStore

    def __init__(self, opts: ImportOptions, info: SourceInfo, store: ModelStore) -> None:
        self.opts, self.info, self.store = opts, info, store
        self.key_field = self.key_column
        self.expected = f"a CSV with the columns of {self.layout} ({', '.join(self.columns)})"

    def parse(self, line: int, row: dict[str, str]) -> dict[str, Any]:
        """The model's values for one row; raise RowRejected with a RowError per bad column."""
        raise NotImplementedError

    def source(self) -> Rows:
        reader = CsvSource(self.info)
        rows = reader.rows()
        first = next(rows, None)
        missing = [c for c in self.columns if c not in reader.header]
        if missing:
            shown = ", ".join(reader.header[:12]) + (" …" if len(reader.header) > 12 else "")
            raise ImportFailure("FILE", f"this does not look like {self.expected}: column {missing[0]!r} is "
                                        f"missing (found: {shown})")

        def records() -> Iterator[CsvRecord | RowRejected]:
            if first is None:
                return
            yield self._record(first.line, first.values)
            for row in rows:
                yield self._record(row.line, row.values)

        return Rows(records(), reader.errors, lambda: reader.lines.bytes_read)

    def _record(self, line: int, values: dict[str, str]) -> CsvRecord | RowRejected:
        key = values[self.key_column].strip()
        if not key:
            return RowRejected([RowError(line, self.key_column, "", "this column is required")])
        try:
            return CsvRecord(line, key, self.parse(line, values))
        except RowRejected as exc:
            return exc

    def key(self, record: CsvRecord) -> str:
        return record.key

    def line(self, record: CsvRecord) -> int:
        return record.line

    def validate(self, record: CsvRecord) -> CsvRecord | list[RowError]:
        return record

    def encode(self, prepared: CsvRecord) -> Encoded:
        return self.store.encode(prepared.key, prepared.line, prepared.values)

    def preview(self, prepared: CsvRecord) -> dict[str, Any]:
        return {"line": prepared.line, "key": prepared.key, **prepared.values}
