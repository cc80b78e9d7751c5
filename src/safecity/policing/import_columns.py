"""What the recordings and complaints importers share: a column mapping and the parsing of dates and times.

A mapping (TOML or JSON, `--mapping`) names the file's column for a field and recodes a field's values, as
for stops (`imports_stops.StopMapping`, whose fields are the OPP's)::

    name = "Evidence system export"
    timestamp_format = "%m/%d/%Y %I:%M:%S %p"   # strptime; default: ISO 8601 or MM/DD/YYYY HH:MM[:SS]
    [columns]                                     # field = the file's column
    external_id = "Evidence ID"
    category = "Retention Category"
    [values.category]                             # the file's value = ours (matched ignoring case)
    "Traffic Stop" = "traffic"

Timestamps without a UTC offset are the city's local time (`TIME_ZONE`). A local time that does not exist
(the hour skipped when clocks go forward) or happens twice (the hour repeated when they go back) is refused
rather than guessed: the file must give the offset for it.
"""

from __future__ import annotations

import datetime as dt
import json
import tomllib
from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

from safecity.core.importing.errors import ImportFailure

DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y")
US_TIMESTAMPS = ("%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M", "%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y %I:%M %p")
TIMESTAMP_HELP = "YYYY-MM-DD HH:MM[:SS] with or without a UTC offset, or MM/DD/YYYY HH:MM[:SS]"


class ColumnMapping:
    """Which column holds each field (default: the field's own name) and how its values are recoded, read from a
    mapping file's settings. Subclasses name their format settings (`FORMATS`, setting: default) and how their
    messages call a field and a recoded value."""

    FORMATS: ClassVar[dict[str, str]] = {"timestamp_format": "", "date_format": ""}
    FIELD_WORD: ClassVar[str] = "field"
    VALUE_WORD: ClassVar[str] = "our value"

    def __init__(self, spec: dict[str, Any], label: str, fields: Sequence[str]) -> None:
        self.label = label
        keys = {"name", "citation", "columns", "values", *self.FORMATS}
        unknown = sorted(set(spec) - keys)
        if unknown:
            raise ImportFailure(f"{label}: {unknown[0]}", f"unknown setting; expected one of "
                                                          f"{', '.join(sorted(keys))}")
        self.name = str(spec.get("name", ""))
        self.timestamp_format = self.date_format = self.time_format = ""
        for setting, default in self.FORMATS.items():
            fmt = str(spec.get(setting, default))
            if fmt and "%" not in fmt:
                raise ImportFailure(f"{label}: {setting}", f"{fmt!r} is not a strptime format (e.g. %m/%d/%Y)")
            setattr(self, setting, fmt)
        columns, values = spec.get("columns", {}), spec.get("values", {})
        if not isinstance(columns, dict) or not all(isinstance(v, str) for v in columns.values()):
            raise ImportFailure(f"{label}: columns", f"must be a table of {self.FIELD_WORD} = column name")
        if not isinstance(values, dict) or not all(isinstance(v, dict) for v in values.values()):
            raise ImportFailure(f"{label}: values",
                                f"must be a table per {self.FIELD_WORD} of file value = {self.VALUE_WORD}")
        for name in [*columns, *values]:
            if name not in fields:
                raise ImportFailure(f"{label}: {name}", f"not {_article(self.FIELD_WORD)} {self.FIELD_WORD} "
                                                        f"this importer reads; expected one of {', '.join(fields)}")
        self.explicit: dict[str, str] = {str(k): str(v) for k, v in columns.items()}
        self.values: dict[str, dict[str, str]] = {
            field: {str(k).strip().lower(): str(v) for k, v in table.items()} for field, table in values.items()}

    def column(self, field: str) -> str:
        return self.explicit.get(field, field)

    def recode(self, field: str, text: str) -> str:
        table = self.values.get(field)
        return table.get(text.strip().lower(), text) if table else text

    def get(self, row: dict[str, str], field: str) -> str:
        """The field's value in a row, stripped and recoded ('' when the file has no such column)."""
        text = row.get(self.column(field), "").strip()
        return self.recode(field, text) if text else text


def _article(word: str) -> str:
    return "an" if word[:1] in "AEIOUaeiou" else "a"


def load_mapping(path: Path | None, label: str, fields: Sequence[str]) -> ColumnMapping:
    return ColumnMapping(read_mapping_file(path, label) if path else {}, label, fields)


def read_mapping_file(path: Path, label: str) -> dict[str, Any]:
    """A mapping file's settings (TOML when it ends in .toml, else JSON); a bad file names `label`."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ImportFailure(label, f"cannot read {path}: {exc.strerror or exc}") from None
    toml = path.suffix.lower() == ".toml"
    try:
        spec = tomllib.loads(raw.decode("utf-8")) if toml else json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ImportFailure(label, f"{path.name} is not valid {'TOML' if toml else 'JSON'}: {exc}") from None
    if not isinstance(spec, dict):
        raise ImportFailure(label, f"{path.name} must hold a table of settings")
    return spec


def parse_date(text: str, fmt: str = "") -> dt.date | None:
    for pattern in (fmt,) if fmt else DATE_FORMATS:
        try:
            return dt.datetime.strptime(text.strip(), pattern).date()  # noqa: DTZ007  (a calendar date)
        except ValueError:
            continue
    return None


def parse_timestamp(text: str, tz: ZoneInfo, fmt: str = "") -> dt.datetime:
    """An aware datetime in UTC (the form the database gives back, so fingerprints compare); raises ValueError
    with the reason for a value that is not a time, or a local time that is skipped or repeated."""
    text = text.strip()
    found: dt.datetime | None = None
    if fmt:
        try:
            found = dt.datetime.strptime(text, fmt)  # noqa: DTZ007  (localised below when it has no offset)
        except ValueError:
            raise ValueError(f"not a date and time in the mapping's timestamp_format {fmt}") from None
    else:
        if ":" in text:  # a bare date is not a time of recording
            try:
                found = dt.datetime.fromisoformat(text)
            except ValueError:
                for pattern in US_TIMESTAMPS:
                    try:
                        found = dt.datetime.strptime(text.upper(), pattern)  # noqa: DTZ007  (localised below)
                        break
                    except ValueError:
                        continue
        if found is None:
            raise ValueError(f"not a date and time ({TIMESTAMP_HELP})")
    if found.tzinfo is None:
        found = localise(found, tz)
    return found.astimezone(dt.UTC)


def localise(naive: dt.datetime, tz: ZoneInfo) -> dt.datetime:
    early, late = naive.replace(tzinfo=tz, fold=0), naive.replace(tzinfo=tz, fold=1)
    if early.astimezone(dt.UTC).astimezone(tz).replace(tzinfo=None) != naive:
        raise ValueError(f"this local time does not exist in {tz.key} (the clocks went forward); give the UTC "
                         "offset")
    if early.utcoffset() != late.utcoffset():
        raise ValueError(f"this local time happened twice in {tz.key} (the clocks went back); give the UTC offset, "
                         f"e.g. {_offset(early)} or {_offset(late)}")
    return early


def _offset(value: dt.datetime) -> str:
    minutes = int((value.utcoffset() or dt.timedelta()).total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
