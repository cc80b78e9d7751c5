"""Column mappings: how a table of rows (a city portal export or any CSV) becomes canonical records.

A mapping is data (JSON or TOML). The shipped formats (chicago, nypd, lapd, code) are mappings in
incidents/data/mappings/ just like a user's own, so one engine is tested by every format.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from safecity.incidents import facts
from safecity.incidents.importers.records import (
    ImportFailure,
    IncidentRec,
    OffenderRec,
    OffenseRec,
    RowError,
    RowRejected,
    VictimRec,
    block_address,
    parse_age,
)

MAPPINGS_DIR = Path(__file__).resolve().parent.parent / "data" / "mappings"
TOP_KEYS = {
    "name", "citation", "description", "delimiter", "timezone", "incident_number", "occurred_from",
    "occurred_to", "reported_at", "block_address", "location_type", "offense", "extra_offenses", "attempted",
    "weapon", "victim", "offender", "coordinates", "tables", "default_victim", "counting_unit",
    "group_rows_by_incident", "bias_motivation", "grouped_victims",
}
FIELD_KEYS = {"column", "columns", "formats", "time_column", "time_format", "table", "values", "pad", "fallback",
              "true_values", "default", "truncated_at"}
PERSON_KEYS = {"age", "sex", "race", "ethnicity"}
COORD_KEYS = {"latitude", "longitude", "x", "y", "epsg", "zero_is_missing"}

Getter = Callable[[dict[str, str]], Any]


class FieldProblem(Exception):
    def __init__(self, column: str, value: str, reason: str) -> None:
        super().__init__(reason)
        self.column, self.value, self.reason = column, value, reason


@dataclass
class CodeTable:
    """source value → (NIBRS code, weapon code); read from a CSV with a citation comment, or inline."""

    name: str
    rows: dict[str, tuple[str, str]]
    citation: str = ""
    _cut: dict[int, dict[str, list[str]]] = field(default_factory=dict, repr=False)

    def cut_to(self, length: int) -> dict[str, list[str]]:
        """Entries longer than `length`, by their first `length` characters (trailing spaces dropped, as
        exports drop them): what a source that cuts its text at `length` publishes for each entry."""
        found = self._cut.get(length)
        if found is None:
            found = {}
            for key in self.rows:
                if len(key) > length:
                    found.setdefault(key[:length].rstrip(), []).append(key)
            self._cut[length] = found
        return found

    def lookup(self, key: str, cut_at: int) -> tuple[str, str] | None:
        """The entry for `key`; with `cut_at`, a value cut at that many characters also finds the one entry it
        is the start of. Raises LookupError listing the candidates when it is the start of several."""
        hit = self.rows.get(key)
        if hit is not None or not cut_at or len(key) > cut_at:
            return hit
        candidates = self.cut_to(cut_at).get(key)
        if not candidates:
            return None
        if len(candidates) > 1:
            raise LookupError(candidates)
        return self.rows[candidates[0]]


def read_code_table(path: Path, label: str) -> CodeTable:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ImportFailure(label, f"cannot read code table {path.name}: {exc.strerror or exc}") from None
    citation = " ".join(line.lstrip("# ").strip() for line in text.splitlines() if line.startswith("#"))
    rows: dict[str, tuple[str, str]] = {}
    reader = csv.DictReader(line for line in text.splitlines() if line and not line.startswith("#"))
    if not reader.fieldnames or not {"source", "nibrs"} <= set(reader.fieldnames):
        raise ImportFailure(label, f"code table {path.name} needs 'source' and 'nibrs' columns")
    for row in reader:
        rows[row["source"].strip().upper()] = (row["nibrs"].strip().upper(), (row.get("weapon") or "").strip())
    return CodeTable(path.stem, rows, citation)


@dataclass
class Mapping:
    spec: dict[str, Any]
    base_dir: Path
    label: str = "mapping"
    tables: dict[str, CodeTable] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return str(self.spec.get("name", "csv"))

    @property
    def delimiter(self) -> str:
        return str(self.spec.get("delimiter", ","))

    @property
    def group_rows(self) -> bool:
        """Rows sharing an incident number are one incident (e.g. Chicago: one row per homicide victim)."""
        return bool(self.spec.get("group_rows_by_incident", False))

    @property
    def victims_from_first_row(self) -> bool:
        """Grouped rows repeat the incident for another reason than its victims (NYPD: once per arrest)."""
        return self.spec.get("grouped_victims", "each_row") == "first_row"

    @property
    def citation(self) -> str:
        return str(self.spec.get("citation", ""))


def load_mapping(path: Path, label: str = "--mapping") -> Mapping:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ImportFailure(label, f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        spec = tomllib.loads(raw.decode("utf-8")) if path.suffix.lower() == ".toml" else json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        kind = "TOML" if path.suffix.lower() == ".toml" else "JSON"
        raise ImportFailure(label, f"{path.name} is not valid {kind}: {exc}") from None
    if not isinstance(spec, dict):
        raise ImportFailure(label, f"{path.name} must hold an object of settings")
    return check_mapping(Mapping(spec, path.parent, label))


def shipped_mapping(fmt: str) -> Mapping:
    return load_mapping(MAPPINGS_DIR / f"{fmt}.json", label=f"mapping {fmt}.json")


def check_mapping(mapping: Mapping) -> Mapping:
    """Reject a mapping early, naming the setting to fix, rather than failing on every row."""
    spec, label = mapping.spec, mapping.label
    unknown = sorted(set(spec) - TOP_KEYS)
    if unknown:
        raise ImportFailure(f"{label}: {unknown[0]}",
                            f"unknown setting; expected one of {', '.join(sorted(TOP_KEYS))}")
    for required in ("incident_number", "occurred_from", "offense"):
        if required not in spec:
            raise ImportFailure(f"{label}: {required}", "this setting is required")
    inline = spec.get("tables", {})
    if not isinstance(inline, dict):
        raise ImportFailure(f"{label}: tables", "must map table names to {source value: NIBRS code}")
    for name, rows in inline.items():
        if not isinstance(rows, dict):
            raise ImportFailure(f"{label}: tables.{name}", "must map source values to NIBRS codes")
        mapping.tables[name] = CodeTable(name, {str(k).strip().upper(): (str(v).strip().upper(), "")
                                                for k, v in rows.items()})
    for key in ("incident_number", "occurred_from", "occurred_to", "reported_at", "block_address",
                "location_type", "offense", "attempted", "weapon"):
        if key in spec:
            _check_field(mapping, key, spec[key])
    for i, extra in enumerate(spec.get("extra_offenses", [])):
        _check_field(mapping, f"extra_offenses[{i}]", extra)
    bias = bias_specs(spec)
    if not 0 < len(bias) <= facts.MAX_BIAS_MOTIVATIONS and "bias_motivation" in spec:
        raise ImportFailure(f"{label}: bias_motivation",
                            f"give one field or a list of 1 to {facts.MAX_BIAS_MOTIVATIONS} fields (NIBRS 8A)")
    for i, one in enumerate(bias):
        _check_field(mapping, f"bias_motivation[{i}]" if isinstance(spec["bias_motivation"], list)
                     else "bias_motivation", one)
    for person in ("victim", "offender"):
        part = spec.get(person, {})
        if not isinstance(part, dict) or set(part) - PERSON_KEYS:
            raise ImportFailure(f"{label}: {person}", f"expected an object with {', '.join(sorted(PERSON_KEYS))}")
        for key, value in part.items():
            _check_field(mapping, f"{person}.{key}", value)
    coords = spec.get("coordinates", {})
    if not isinstance(coords, dict) or set(coords) - COORD_KEYS:
        raise ImportFailure(f"{label}: coordinates", f"expected an object with {', '.join(sorted(COORD_KEYS))}")
    if ("x" in coords) != ("y" in coords) or ("x" in coords and "epsg" not in coords):
        raise ImportFailure(f"{label}: coordinates.epsg", "projected x/y need both columns and an EPSG code")
    if "epsg" in coords:
        _transformer(int(coords["epsg"]), f"{label}: coordinates.epsg")
    if not isinstance(spec.get("group_rows_by_incident", False), bool):
        raise ImportFailure(f"{label}: group_rows_by_incident", "use true or false")
    if spec.get("grouped_victims", "each_row") not in {"each_row", "first_row"}:
        raise ImportFailure(f"{label}: grouped_victims",
                            "use 'each_row' (a row per victim) or 'first_row' (rows repeat the same victims)")
    if spec.get("default_victim", "none") not in {"none", "person_offenses"}:
        raise ImportFailure(f"{label}: default_victim", "use 'none' or 'person_offenses'")
    zone_name = spec.get("timezone")
    if zone_name:
        try:
            ZoneInfo(str(zone_name))
        except (ZoneInfoNotFoundError, ValueError):
            raise ImportFailure(f"{label}: timezone", f"unknown time zone {zone_name!r}") from None
    return mapping


def _check_field(mapping: Mapping, key: str, spec: Any) -> None:
    label = f"{mapping.label}: {key}"
    if isinstance(spec, str):
        return
    if not isinstance(spec, dict):
        raise ImportFailure(label, "give a column name or an object with 'column'")
    unknown = sorted(set(spec) - FIELD_KEYS)
    if unknown:
        raise ImportFailure(f"{label}.{unknown[0]}",
                            f"unknown setting; expected one of {', '.join(sorted(FIELD_KEYS))}")
    if "column" not in spec and "columns" not in spec and "default" not in spec:
        raise ImportFailure(label, "needs a 'column'")
    cut_at = spec.get("truncated_at", 0)
    if not isinstance(cut_at, int) or isinstance(cut_at, bool) or cut_at < 0:
        raise ImportFailure(f"{label}.truncated_at", "give the length at which the source cuts this text, e.g. 30")
    if cut_at and not spec.get("table"):
        raise ImportFailure(f"{label}.truncated_at", "applies to a code table: add a 'table'")
    table = spec.get("table")
    if table and table not in mapping.tables:
        path = mapping.base_dir / table
        if not path.exists():
            path = MAPPINGS_DIR / table
        if not path.exists():
            raise ImportFailure(f"{label}.table", f"no inline table or file called {table!r}")
        mapping.tables[table] = read_code_table(path, f"{label}.table")
    for i, fallback in enumerate(spec.get("fallback", [])):
        _check_field(mapping, f"{key}.fallback[{i}]", fallback)


def bias_specs(spec: dict[str, Any]) -> list[Any]:
    """The mapping's bias motivation fields: one field, or a list of up to five (NIBRS 8A repeats five times)."""
    bias = spec.get("bias_motivation")
    if bias is None:
        return []
    return list(bias) if isinstance(bias, list) else [bias]


def columns_used(mapping: Mapping) -> list[tuple[str, str]]:
    """(setting, column) pairs the mapping reads, for checking against a file's header."""
    found: list[tuple[str, str]] = []

    def walk(key: str, spec: Any) -> None:
        if isinstance(spec, str):
            found.append((key, spec))
        elif isinstance(spec, dict):
            for col in ([spec["column"]] if "column" in spec else []) + list(spec.get("columns", [])):
                found.append((key, col))
            if "time_column" in spec:
                found.append((key, spec["time_column"]))
            for fb in spec.get("fallback", []):
                walk(key, fb)

    for key in ("incident_number", "occurred_from", "occurred_to", "reported_at", "block_address",
                "location_type", "offense", "attempted", "weapon"):
        if key in mapping.spec:
            walk(key, mapping.spec[key])
    for extra in mapping.spec.get("extra_offenses", []):
        walk("extra_offenses", extra)
    for bias in bias_specs(mapping.spec):
        walk("bias_motivation", bias)
    for person in ("victim", "offender"):
        for key, value in mapping.spec.get(person, {}).items():
            walk(f"{person}.{key}", value)
    for key in ("latitude", "longitude", "x", "y"):
        if key in mapping.spec.get("coordinates", {}):
            found.append((f"coordinates.{key}", mapping.spec["coordinates"][key]))
    return found


def check_header(mapping: Mapping, header: list[str]) -> None:
    present = set(header)
    for setting, column in columns_used(mapping):
        if column not in present:
            shown = ", ".join(header[:12]) + (" …" if len(header) > 12 else "")
            raise ImportFailure(f"{mapping.label}: {setting}",
                                f"column {column!r} is not in the file header (found: {shown})")


@lru_cache(maxsize=16)
def _transformer(epsg: int, label: str) -> Any:
    from pyproj import Transformer
    from pyproj.exceptions import CRSError

    try:
        return Transformer.from_crs(f"EPSG:{epsg}", "EPSG:4326", always_xy=True)
    except CRSError:
        raise ImportFailure(label, f"unknown coordinate system EPSG:{epsg}") from None


# ---- compiling a mapping into a row parser -----------------------------------------------------------


def _text(spec: Any) -> Getter:
    if isinstance(spec, str):
        return lambda row: row[spec].strip()
    column, default = spec.get("column"), str(spec.get("default", ""))
    pad = int(spec.get("pad", 0))
    if column is None:
        return lambda row: default
    if pad:
        return lambda row: (row[column].strip() or default).zfill(pad)
    return lambda row: row[column].strip() or default


def _parse_datetime_factory(formats: list[str]) -> Callable[[str], dt.datetime]:
    @lru_cache(maxsize=1 << 16)
    def parse(text: str) -> dt.datetime:
        for fmt in formats:
            try:
                if fmt == "iso":
                    return dt.datetime.fromisoformat(text)
                return dt.datetime.strptime(text, fmt)  # noqa: DTZ007  local time; the caller attaches the zone
            except ValueError:
                continue
        raise ValueError(text)

    return parse


def _datetime(spec: Any, zone: ZoneInfo, required: bool) -> Getter:
    if isinstance(spec, str):
        spec = {"column": spec}
    column = spec.get("column") or spec["columns"][0]
    formats = list(spec.get("formats", ["iso"]))
    parse = _parse_datetime_factory(formats)
    time_column, time_format = spec.get("time_column"), spec.get("time_format", "%H:%M:%S")
    parse_time = _parse_datetime_factory([time_format]) if time_format != "hhmm" else None

    @lru_cache(maxsize=1 << 16)
    def parse_local(text: str) -> dt.datetime:
        # The common shape (one column, no separate time): text → aware datetime, cached whole, since
        # exports repeat timestamps and attaching the zone costs as much as the cached parse.
        value = parse(text)
        return value.replace(tzinfo=zone) if value.tzinfo is None else value

    def get_local(row: dict[str, str]) -> dt.datetime | None:
        text = row[column].strip()
        if text:
            try:
                return parse_local(text)
            except ValueError:
                pass
        return get(row)  # blank or unparseable: the full path names the problem

    def get(row: dict[str, str]) -> dt.datetime | None:
        text = row[column].strip()
        if not text:
            if required:
                raise FieldProblem(column, "", "a date is required")
            return None
        try:
            value = parse(text)
        except ValueError:
            raise FieldProblem(column, text, f"not a date in the expected format ({' or '.join(formats)})") from None
        if time_column:
            raw = row[time_column].strip()
            if raw:
                try:
                    if parse_time is None:  # LAPD's HHMM integer loses its leading zeros
                        hhmm = raw.zfill(4)
                        clock = dt.time(int(hhmm[:2]), int(hhmm[2:]))
                    else:
                        clock = parse_time(raw).time()
                except ValueError:
                    raise FieldProblem(time_column, raw, f"not a time ({time_format})") from None
                value = dt.datetime.combine(value.date(), clock)
        if value.tzinfo is None:
            value = value.replace(tzinfo=zone)
        return value

    return get if time_column else get_local


class RowParser:
    """A compiled mapping: `parse(line, row)` returns an IncidentRec or raises RowRejected."""

    def __init__(self, mapping: Mapping, person_codes: frozenset[str], default_zone: str) -> None:
        spec = mapping.spec
        self.mapping = mapping
        zone = ZoneInfo(str(spec.get("timezone") or default_zone))
        self.person_codes = person_codes
        self.default_victim = spec.get("default_victim", "none") == "person_offenses"
        self.number = _text(spec["incident_number"])
        self.number_column = spec["incident_number"] if isinstance(spec["incident_number"], str) else \
            spec["incident_number"].get("column", "incident_number")
        self.occurred_from = _datetime(spec["occurred_from"], zone, required=True)
        self.occurred_to = _datetime(spec["occurred_to"], zone, False) if "occurred_to" in spec else None
        self.reported_at = _datetime(spec["reported_at"], zone, False) if "reported_at" in spec else None
        self.block = _text(spec["block_address"]) if "block_address" in spec else None
        self.location = self._coded(spec["location_type"], strict=False) if "location_type" in spec else None
        self.offense = self._coded(spec["offense"], required=True)
        self.extra = [self._coded(s) for s in spec.get("extra_offenses", [])]
        self.bias = [self._coded(s) for s in bias_specs(spec)]
        self.weapon = self._coded(spec["weapon"], strict=False) if "weapon" in spec else None
        self.attempted = self._flag(spec["attempted"]) if "attempted" in spec else None
        self.victim = {k: self._person_field(k, v) for k, v in spec.get("victim", {}).items()}
        self.offender = {k: self._person_field(k, v) for k, v in spec.get("offender", {}).items()}
        coords = spec.get("coordinates", {})
        self.lat_col, self.lon_col = coords.get("latitude"), coords.get("longitude")
        self.x_col, self.y_col = coords.get("x"), coords.get("y")
        self.zero_missing = bool(coords.get("zero_is_missing", True))
        self.project = _transformer(int(coords["epsg"]), "coordinates.epsg").transform if "epsg" in coords else None
        tables = sorted((name, sorted(t.rows.items())) for name, t in mapping.tables.items())
        self.mapping_digest = hashlib.blake2b(
            json.dumps([spec, tables, default_zone], sort_keys=True, default=str).encode(), digest_size=8).hexdigest()

    def _coded(self, spec: Any, required: bool = False,
               strict: bool = True) -> Callable[[dict[str, str]], tuple[str, str, str]]:
        """Returns (nibrs code, weapon code, raw value).

        For offenses (strict) a value missing from the crosswalk rejects the row, because guessing a crime
        type would corrupt every count; a missing premises or weapon code only leaves that detail blank.
        """
        chain = [spec, *spec.get("fallback", [])] if isinstance(spec, dict) else [spec]
        steps: list[tuple[str, Getter, CodeTable | None, dict[str, str], int]] = []
        for step in chain:
            column = step if isinstance(step, str) else step.get("column", "")
            table = self.mapping.tables.get(step.get("table", "")) if isinstance(step, dict) else None
            raw_values = step.get("values", {}) if isinstance(step, dict) else {}
            values = {str(k).upper(): str(v) for k, v in raw_values.items()}
            cut_at = int(step.get("truncated_at", 0)) if isinstance(step, dict) else 0
            steps.append((column, _text(step), table, values, cut_at))

        def get(row: dict[str, str]) -> tuple[str, str, str]:
            first_column, first_raw = steps[0][0], ""
            for column, text, table, values, cut_at in steps:
                raw = text(row)
                if not first_raw:
                    first_column, first_raw = column, raw
                if not raw:
                    continue
                key = raw.upper()
                if table is not None:
                    try:
                        hit = table.lookup(key, cut_at)
                    except LookupError as exc:
                        # A cut value that starts several entries: choosing one would be a guess.
                        candidates = "; ".join(exc.args[0])
                        raise FieldProblem(column, raw, f"{raw!r} is cut at {cut_at} characters and could be any "
                                                        f"of {len(exc.args[0])} entries in {table.name}: "
                                                        f"{candidates}; add the cut value to the table to say "
                                                        "which") from None
                    if hit is not None:
                        return hit[0], hit[1], raw
                elif values:
                    if key in values:
                        return values[key].upper(), "", raw
                else:
                    return key, "", raw
            if (first_raw and strict) or required:
                where = steps[0][2].name if steps[0][2] else "the mapping"
                if first_raw and steps[0][4]:
                    where += f" (nor is it the start of an entry; values may be cut at {steps[0][4]} characters)"
                reason = (f"no NIBRS code for {first_raw!r} in {where}" if first_raw
                          else "a value is required")
                raise FieldProblem(first_column, first_raw, reason)
            return "", "", ""

        return get

    def _flag(self, spec: Any) -> Getter:
        text = _text(spec)
        truthy = {str(v).upper() for v in (spec.get("true_values", ["TRUE", "Y", "YES", "1"])
                                            if isinstance(spec, dict) else ["TRUE", "Y", "YES", "1"])}
        return lambda row: text(row).upper() in truthy

    def _person_field(self, key: str, spec: Any) -> Getter:
        text = _text(spec)
        if key == "age":
            return lambda row: parse_age(text(row))
        values = {str(k).upper(): str(v).upper() for k, v in spec.get("values", {}).items()} \
            if isinstance(spec, dict) else {}

        def get(row: dict[str, str]) -> str:
            raw: str = text(row).upper()
            if not raw:
                return ""
            if values:
                return values.get(raw, "U")
            return raw[:1]

        return get

    def _coordinates(self, row: dict[str, str]) -> tuple[float | None, float | None]:
        lat = lon = None
        if self.lat_col and self.lon_col:
            lat_text, lon_text = row[self.lat_col].strip(), row[self.lon_col].strip()
            if lat_text and lon_text:
                try:
                    lat, lon = float(lat_text), float(lon_text)
                except ValueError:
                    raise FieldProblem(self.lat_col, f"{lat_text},{lon_text}", "coordinates are not numbers") from None
                if self.zero_missing and lat == 0 and lon == 0:
                    lat = lon = None
                elif not (-90 <= lat <= 90 and -180 <= lon <= 180):
                    raise FieldProblem(self.lat_col, f"{lat_text},{lon_text}", "latitude/longitude out of range")
        if lat is None and self.project is not None and self.x_col and self.y_col:
            x_text, y_text = row[self.x_col].strip(), row[self.y_col].strip()
            if x_text and y_text:
                try:
                    x, y = float(x_text), float(y_text)
                except ValueError:
                    raise FieldProblem(self.x_col, f"{x_text},{y_text}", "coordinates are not numbers") from None
                if not (self.zero_missing and x == 0 and y == 0):
                    lon, lat = self.project(x, y)
        return lat, lon

    def _number(self, row: dict[str, str]) -> str:
        number: str = self.number(row)
        if not number:
            raise FieldProblem(self.number_column, "", "an incident number is required")
        if len(number) > 30:
            raise FieldProblem(self.number_column, number, "incident number longer than 30 characters")
        return number

    def _getters(self) -> list[Callable[[dict[str, str]], Any]]:
        found: list[Callable[[dict[str, str]], Any]] = [self._number, self.occurred_from, self.offense,
                                                        self._coordinates, *self.extra, *self.bias]
        found += [g for g in (self.occurred_to, self.reported_at, self.weapon, self.location) if g is not None]
        return found

    def problems(self, line: int, row: dict[str, str]) -> list[RowError]:
        """Every problem in a row (the slow path, run only once a row has failed)."""
        errors = []
        for getter in self._getters():
            try:
                getter(row)
            except FieldProblem as exc:
                errors.append(RowError(line, exc.column, exc.value, exc.reason))
        return errors

    def parse(self, line: int, row: dict[str, str]) -> IncidentRec:
        # One try around the whole row keeps the common case cheap; a failure re-reads the row to
        # report every problem in it, not just the first.
        try:
            rec = self._parse(line, row)
        except FieldProblem:
            raise RowRejected(self.problems(line, row)) from None
        rec.digest = self.fingerprint(row)
        return rec

    def fingerprint(self, row: dict[str, str]) -> str:
        """What the source said plus the mapping that read it: a new crosswalk re-derives unchanged rows."""
        text = self.mapping_digest + "\x1f".join(row.values())
        return hashlib.blake2b(text.encode(), digest_size=10).hexdigest()

    def _parse(self, line: int, row: dict[str, str]) -> IncidentRec:
        number = self._number(row)
        occurred = self.occurred_from(row)
        occurred_to = self.occurred_to(row) if self.occurred_to else None
        reported = self.reported_at(row) if self.reported_at else None
        offense = self.offense(row)
        weapon = self.weapon(row)[0] if self.weapon else ""
        location_type = self.location(row)[0] if self.location else ""
        lat, lon = self._coordinates(row)
        weapons = [w for w in (weapon, offense[1]) if w]
        if len(weapons) == 2 and weapons[0] == weapons[1]:
            weapons.pop()
        attempted = bool(self.attempted(row)) if self.attempted else False
        codes = [offense[0]]
        for getter in self.extra:
            extra = getter(row)[0]
            if extra and extra not in codes:
                codes.append(extra)
        # The row's bias motivations apply to each of its offenses (a row names one bias for what it reports).
        bias = facts.merge_bias([getter(row)[0] for getter in self.bias]) if self.bias else []
        offenses = [OffenseRec(code=c, attempted=attempted, weapon_codes=weapons if i == 0 else list(weapons),
                               location_type=location_type, bias_codes=list(bias)) for i, c in enumerate(codes)]
        rec = IncidentRec(
            line=line, incident_number=number, occurred_from=occurred, occurred_to=occurred_to,
            reported_at=reported, block_address=block_address(self.block(row)) if self.block else "",
            latitude=lat, longitude=lon, location_type=location_type, offenses=offenses,
        )
        # Plain loops rather than any(generator): this runs for every row.
        if self.victim:
            values = {k: g(row) for k, g in self.victim.items()}
            for value in values.values():
                if value is not None and value != "":
                    rec.victims.append(VictimRec(offense_codes=list(codes), **values))
                    break
        if not rec.victims and self.default_victim and not self.person_codes.isdisjoint(codes):
            rec.victims.append(VictimRec(offense_codes=list(codes)))
        if self.offender:
            values = {k: g(row) for k, g in self.offender.items()}
            for value in values.values():
                if value is not None and value not in ("", "U"):
                    rec.offenders.append(OffenderRec(**values))
                    break
        return rec
