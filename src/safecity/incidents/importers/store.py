"""The fast path: rows go in through the ORM's connection in bulk, ids assigned up front.

Building a model instance per row costs more than the insert itself at a million rows, so prepared
records become plain parameter tuples, in two halves so the first can run in another process:

* `RowEncoder` turns a prepared record into plain tuples (`Encoded`): every column value already in the
  form the database driver takes, no database access, cheap to pickle. The import's parsing process
  (`importers/worker.py`) runs it next to the parser.
* `IncidentStore` holds the connection: it finds which incident numbers exist, assigns incident ids,
  public ids and timestamps, and inserts with one `executemany` per table, or on PostgreSQL with
  `COPY … FROM STDIN` (psycopg 3 `cursor.copy()`), which skips the per-row statement round trip.

Column lists come from the models, and any field this module does not set gets the model's default, so a
new column with a default keeps working. Child rows (offenses, victims, …) take their ids from the
database's own sequence, so only incident ids are reserved here.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.db import connection, models
from django.utils import timezone

from safecity.core.importing import indexes
from safecity.incidents.importers.derive import Prepared
from safecity.incidents.models import Arrestee, Incident, Offender, Offense, Property, Victim

Adapter = Callable[[Any], Any]
Row = tuple[Any, ...]
# One incident ready for the writer: (incident number, content hash, source line, incident values in
# `INCIDENT_BODY` order then the model's other columns, offense rows, victim rows, other child rows as
# (index into IncidentStore.extra_tables, values) or None). Child rows lack only their incident id.
Encoded = tuple[str, str, int, Row, list[Row], list[Row], list[tuple[int, Row]] | None]
# SQL in this module is assembled only from model metadata (table and column names, quoted by the
# backend) and placeholder lists; every value travels as a bound parameter, hence the S608 waivers.
CHUNK = 900  # stays under SQLite's bound-parameter limit when listing incident numbers
LEGACY_PREFIX = "legacy:"  # marks a fingerprint recovered from the old `source` = "FORMAT:HASH" tag

INCIDENT_HEAD = ("id", "public_id", "created", "last_updated", "import_batch_id")  # set by the writer
# agency and number first: an update of a changed incident keeps them and sets the rest (`body[2:]`).
INCIDENT_BODY = (
    "agency_id", "incident_number", "sensitivity", "occurred_from", "occurred_to", "occurred_date", "reported_at",
    "block_address", "latitude", "longitude", "district_id", "beat_id", "location_type", "cleared_exceptionally",
    "cleared_at", "is_firearm", "is_violent", "is_shooting", "is_fatal", "victim_count", "offense_count",
    "primary_offense", "source", "content_hash")
OFFENSE_BODY = ("agency_id", "seq", "code_id", "occurred_date", "attempted", "weapon_codes", "gang_codes", "bias_codes",
                "location_type", "is_firearm")
VICTIM_BODY = ("agency_id", "seq", "victim_type", "age", "sex", "race", "ethnicity", "injury_codes", "offense_codes",
               "relationship", "is_fatal", "is_shot")
OFFENDER_BODY = ("agency_id", "seq", "age", "sex", "race", "ethnicity")
ARRESTEE_BODY = ("agency_id", "seq", "arrest_date", "arrest_type", "offense_code", "armed_with", "age", "sex", "race",
                 "ethnicity")
PROPERTY_BODY = ("agency_id", "seq", "loss_type", "description_code", "value")


def _column(field: models.Field[Any, Any]) -> str:
    return str(field.column)  # every concrete field has one; the stubs allow None


def _same(value: Any) -> Any:
    return value


def _utc_text(value: dt.datetime) -> str:
    # Django's SQLite form, str() of the naive UTC value; isoformat(" ") is the same text plus "+00:00".
    return value.astimezone(dt.UTC).isoformat(" ")[:-6]


def _adapter(field: models.Field[Any, Any], vendor: str) -> Adapter | None:
    """How a value reaches the driver. SQLite: what Django's backend stores (naive UTC text, ISO dates, hex
    UUIDs, JSON text). PostgreSQL: aware datetimes and dates as they are; UUIDs as hex and JSON as text,
    which both `executemany` and `COPY` hand to the server to cast, so the two paths store the same values."""
    if isinstance(field, models.DateTimeField):
        return _utc_text if vendor == "sqlite" else None
    if isinstance(field, models.DateField):
        return dt.date.isoformat if vendor == "sqlite" else None
    if isinstance(field, models.UUIDField):
        return lambda v: v.hex
    if isinstance(field, models.JSONField):
        return _json_text
    return None


_JSON_TEXT: dict[tuple[Any, ...], str] = {}


def _json_text(value: Any) -> str:
    """JSON for the short code lists every row carries; a file repeats a handful of them, so each is dumped once."""
    if value == []:
        return "[]"
    try:
        key = tuple(value)
        return _JSON_TEXT[key]
    except KeyError:
        text = json.dumps(value)
        if len(_JSON_TEXT) < 50_000:
            _JSON_TEXT[key] = text
        return text
    except TypeError:  # not a flat list of hashable values
        return json.dumps(value)


def uuid4_hexes(count: int) -> list[str]:
    """`count` random version-4 UUIDs as 32-digit hex, from one urandom call (the cost of uuid.uuid4() per row).

    Same 122 random bits as uuid.uuid4(): public ids appear in URLs and must stay unguessable, so they are
    not time-ordered even though ordered keys would be cheaper to index.
    """
    raw = bytearray(os.urandom(16 * count))
    raw[6::16] = bytes((b & 0x0F) | 0x40 for b in raw[6::16])  # version 4
    raw[8::16] = bytes((b & 0x3F) | 0x80 for b in raw[8::16])  # RFC 4122 variant
    text = raw.hex()
    return [text[i:i + 32] for i in range(0, 32 * count, 32)]


class Layout:
    """One table's insert: `head` columns from the writer, then `body` columns from the encoder followed by
    every other column's default (`rest`); `omit` columns are left to the database (child ids)."""

    def __init__(self, model: type[models.Model], vendor: str, head: Sequence[str], body: Sequence[str],
                 omit: Sequence[str] = ()) -> None:
        fields = {f.attname: f for f in model._meta.concrete_fields}
        unknown = [n for n in (*head, *body, *omit) if n not in fields]
        if unknown:
            raise LookupError(f"{model.__name__} has no column {', '.join(unknown)}")
        rest = [n for n in fields if n not in head and n not in body and n not in omit]
        self.name = model._meta.db_table
        self.head = tuple(head)
        self.names = (*body, *rest)  # what the encoder supplies, in this order
        self.adapters = {n: _adapter(f, vendor) for n, f in fields.items()}
        self.defaults: dict[str, Any] = {}
        for n, f in fields.items():
            if f.has_default() and not callable(f.default):
                self.defaults[n] = f.get_default()
            elif isinstance(f, models.CharField | models.TextField) and not f.null:
                self.defaults[n] = ""
            else:
                self.defaults[n] = None  # primary keys and callable defaults are always given
        self.rest_values = tuple(self._adapted(n, self.defaults[n]) for n in rest)
        qn = connection.ops.quote_name
        columns = [qn(_column(fields[n])) for n in (*self.head, *self.names)]
        self.insert_sql = (f"INSERT INTO {qn(self.name)} ({', '.join(columns)}) "  # noqa: S608
                           f"VALUES ({', '.join(['%s'] * len(columns))})")
        self.copy_sql = f"COPY {qn(self.name)} ({', '.join(columns)}) FROM STDIN"
        self.columns = {n: qn(_column(f)) for n, f in fields.items()}

    def _adapted(self, name: str, value: Any) -> Any:
        adapter = self.adapters[name]
        return value if adapter is None or value is None else adapter(value)

    def adapter(self, name: str) -> Adapter:
        found = self.adapters[name]
        return found if found is not None else _same

    def values(self, given: dict[str, Any]) -> Row:
        """The encoder's part of a row from a dict (for the rare child tables); missing names get defaults."""
        get, defaults = given.get, self.defaults
        return tuple(self._adapted(n, get(n, defaults[n])) for n in self.names)


class RowEncoder:
    """Prepared records → `Encoded` tuples. Pure: safe to run in the parsing process."""

    def __init__(self, agency_id: int, source: str, code_ids: dict[str, int], vendor: str) -> None:
        self.agency_id, self.source, self.code_ids = agency_id, source, code_ids
        self.incidents = Layout(Incident, vendor, INCIDENT_HEAD, INCIDENT_BODY)
        child = {"head": ("incident_id",), "omit": ("id",), "vendor": vendor}
        self.offenses = Layout(Offense, body=OFFENSE_BODY, **child)  # type: ignore[arg-type]
        self.victims = Layout(Victim, body=VICTIM_BODY, **child)  # type: ignore[arg-type]
        self.extras = [Layout(Offender, body=OFFENDER_BODY, **child),  # type: ignore[arg-type]
                       Layout(Arrestee, body=ARRESTEE_BODY, **child),  # type: ignore[arg-type]
                       Layout(Property, body=PROPERTY_BODY, **child)]  # type: ignore[arg-type]
        self.as_date = self.incidents.adapter("occurred_date")
        self.as_datetime = self.incidents.adapter("occurred_from")
        self.as_json = self.offenses.adapter("weapon_codes")
        self.incident_rest = self.incidents.rest_values
        self.offense_rest = self.offenses.rest_values
        self.victim_rest = self.victims.rest_values

    def encode(self, p: Prepared) -> Encoded:
        rec = p.rec
        as_dt, as_date, as_json = self.as_datetime, self.as_date, self.as_json
        agency_id = self.agency_id
        day = as_date(p.occurred_date)
        body = (
            agency_id, rec.incident_number, p.sensitivity, as_dt(rec.occurred_from),
            as_dt(rec.occurred_to) if rec.occurred_to else None, day,
            as_dt(rec.reported_at) if rec.reported_at else None, rec.block_address, rec.latitude, rec.longitude,
            p.district_id, p.beat_id, rec.location_type[:3], rec.cleared_exceptionally[:1],
            as_date(rec.cleared_at) if rec.cleared_at else None, p.is_firearm, p.is_violent, p.is_shooting,
            p.is_fatal, len(rec.victims), len(rec.offenses), p.primary_offense, self.source, p.digest,
        ) + self.incident_rest
        code_ids, offense_rest, victim_rest = self.code_ids, self.offense_rest, self.victim_rest
        offenses = [(agency_id, seq, code_ids[o.code], day, o.attempted, as_json(o.weapon_codes),
                     as_json(o.gang_codes), as_json(o.bias_codes), o.location_type, firearm) + offense_rest
                    for seq, (o, firearm) in enumerate(zip(rec.offenses, p.offense_firearm, strict=True), 1)]
        # Per-victim fatal and shot flags come from incidents.facts (via derive), as for every other path.
        victims = [(agency_id, v.seq, v.victim_type, v.age, v.sex, v.race, v.ethnicity, as_json(v.injury_codes),
                    as_json(v.offense_codes), v.relationship, fatal, shot) + victim_rest
                   for v, fatal, shot in zip(rec.victims, p.victim_fatal, p.victim_shot, strict=True)]
        extras: list[tuple[int, Row]] | None = None
        if rec.offenders or rec.arrestees or rec.properties:
            offenders, arrestees, properties = self.extras
            base = {"agency_id": agency_id}
            extras = [(0, offenders.values({**base, "seq": o.seq, "age": o.age, "sex": o.sex, "race": o.race,
                                            "ethnicity": o.ethnicity})) for o in rec.offenders]
            extras += [(1, arrestees.values({
                **base, "seq": a.seq, "arrest_date": a.arrest_date, "arrest_type": a.arrest_type,
                "offense_code": a.offense_code, "armed_with": a.armed_with, "age": a.age, "sex": a.sex,
                "race": a.race, "ethnicity": a.ethnicity})) for a in rec.arrestees]
            extras += [(2, properties.values({
                **base, "seq": pr.seq, "loss_type": pr.loss_type, "description_code": pr.description_code,
                "value": pr.value})) for pr in rec.properties]
        return (rec.incident_number, p.digest, rec.line, body, offenses, victims, extras)


def postgres_partial_indexes() -> list[indexes.Extra]:
    """CompStat's two partial indexes, which exist on PostgreSQL only (migration incidents 0005 creates them
    outside the model state); deferred with the declared ones."""
    if connection.vendor != "postgresql":
        return []
    table = Incident._meta.db_table
    wheres = {"incident_labelled": "sensitivity > 0", "incident_violent_or_shooting": "(is_violent OR is_shooting)"}
    return [(table, name, f"CREATE INDEX IF NOT EXISTS {name} ON {table} (agency_id, occurred_date) WHERE {where}")
            for name, where in wheres.items()]


INDEXED_TABLES = (Incident, Offense)  # their read-only indexes are deferred for a large load
FOREIGN_KEY_TABLES = (Incident, Offense, Victim, Offender, Arrestee, Property)  # their foreign keys too (PostgreSQL)


def repair_deferred() -> list[str]:
    """Create what a killed large load left out (indexes, foreign keys); run before every import and daily."""
    return indexes.ensure(INDEXED_TABLES, postgres_partial_indexes(), FOREIGN_KEY_TABLES)


def copy_enabled() -> bool:
    """COPY is used on PostgreSQL unless IMPORT_POSTGRES_COPY is off (the benchmark's in-run baseline)."""
    return connection.vendor == "postgresql" and bool(getattr(settings, "IMPORT_POSTGRES_COPY", True))


class IncidentStore:
    def __init__(self, agency_id: int, source: str, code_ids: dict[str, int], use_copy: bool | None = None) -> None:
        self.agency_id = agency_id
        self.source = source
        self.vendor = connection.vendor
        self.encoder = RowEncoder(agency_id, source, code_ids, self.vendor)
        self.incidents = self.encoder.incidents
        self.children = [self.encoder.offenses, self.encoder.victims, *self.encoder.extras]
        self.use_copy = copy_enabled() if use_copy is None else use_copy and self.vendor == "postgresql"
        qn = connection.ops.quote_name
        kept = ("last_updated", "import_batch_id", *self.incidents.names[2:])
        sets = ", ".join(f"{self.incidents.columns[n]} = %s" for n in kept)
        self.update_sql = f"UPDATE {qn(self.incidents.name)} SET {sets} WHERE {qn('id')} = %s"  # noqa: S608
        self.as_datetime = self.encoder.as_datetime

    def encode(self, p: Prepared) -> Encoded:
        return self.encoder.encode(p)

    @contextmanager
    def bulk_load(self, file_lines: int) -> Iterator[None]:
        """Around a run's writes: for a load large against the table, the read-only indexes of incidents and
        offenses and, on PostgreSQL, the foreign keys of every incident table are dropped and rebuilt once at
        the end (core/importing/indexes.py). The unique keys and the offense/victim → incident indexes stay:
        re-imports look rows up by them."""
        if connection.in_atomic_block:
            yield
            return
        repair_deferred()  # a killed earlier load may have left them out
        # A line is at most a row (NIBRS spends several lines per incident), so this over-estimates a little.
        if not indexes.worth_deferring(file_lines, Incident.objects.count()):
            yield
            return
        with indexes.deferred(INDEXED_TABLES, postgres_partial_indexes(), FOREIGN_KEY_TABLES):
            yield

    # ---- reads -------------------------------------------------------------------------------------

    def existing(self, numbers: Iterable[str]) -> dict[str, tuple[int, str]]:
        """incident number → (id, stored content hash) for numbers already in the agency.

        Rows written before `Incident.content_hash` existed kept a truncated fingerprint in `source`
        (`FORMAT:HASH…`, 20 characters); their hash comes back prefixed with `LEGACY_PREFIX`.
        """
        found: dict[str, tuple[int, str]] = {}
        numbers = list(numbers)
        qn = connection.ops.quote_name
        sql_head = (f"SELECT {qn('id')}, {qn('incident_number')}, {qn('content_hash')}, {qn('source')} "  # noqa: S608
                    f"FROM {qn(self.incidents.name)} WHERE {qn('agency_id')} = %s AND {qn('incident_number')} IN ")
        legacy_tag = self.source + ":"
        if self.use_copy:
            # One statement with the batch's numbers as one array parameter, instead of a statement (parsed,
            # planned, its 900 values quoted into the text by the client) per 900 numbers: at 200,000 rows
            # that took the lookup (of numbers that mostly did not exist) from 13.5 s to 1.9 s on a busy machine.
            sql_head = sql_head[:-len(" IN ")] + " = ANY(%s)"
            queries: list[list[Any]] = [[self.agency_id, numbers]] if numbers else []
        else:
            queries = [[self.agency_id, *numbers[i:i + CHUNK]] for i in range(0, len(numbers), CHUNK)]
        with connection.cursor() as cursor:
            for params in queries:
                tail = "" if self.use_copy else "(" + ", ".join(["%s"] * (len(params) - 1)) + ")"
                cursor.execute(sql_head + tail, params)
                for pk, number, content_hash, source in cursor.fetchall():
                    if not content_hash and source.startswith(legacy_tag) and len(source) > len(legacy_tag):
                        content_hash = LEGACY_PREFIX + source[len(legacy_tag):]
                    found[number] = (pk, content_hash)
        return found

    @staticmethod
    def digest_matches(stored: str, digest: str) -> bool:
        if stored.startswith(LEGACY_PREFIX):  # only a prefix was kept; the next write stores it whole
            return digest.startswith(stored[len(LEGACY_PREFIX):])
        return bool(stored) and stored == digest

    def backfill(self, found: list[tuple[int, str]]) -> None:
        """Store the full fingerprint on legacy rows that matched by prefix, so later runs compare exactly."""
        if not found:
            return
        qn = connection.ops.quote_name
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {qn(self.incidents.name)} SET {qn('content_hash')} = %s, {qn('source')} = %s "  # noqa: S608
                f"WHERE {qn('id')} = %s", [(digest, self.source, pk) for pk, digest in found])

    # ---- writes ------------------------------------------------------------------------------------

    def _next_ids(self, cursor: Any, table: Layout, count: int) -> list[int]:
        if count == 0:
            return []
        qn = connection.ops.quote_name
        if self.vendor == "postgresql":
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                           [table.name, count])
            return [r[0] for r in cursor.fetchall()]
        # SQLite: the transaction began IMMEDIATE, so no other writer can take these ids meanwhile.
        cursor.execute(f"SELECT COALESCE(MAX({qn('id')}), 0) FROM {qn(table.name)}")  # noqa: S608
        start = cursor.fetchone()[0] + 1
        return list(range(start, start + count))

    def _insert(self, cursor: Any, table: Layout, rows: list[Row]) -> None:
        if not rows:
            return
        if not self.use_copy:
            cursor.executemany(table.insert_sql, rows)
            return
        # Text-format COPY: psycopg escapes tabs, backslashes and newlines and writes None as \N, so text
        # arrives exactly as executemany would store it (tested); NUL cannot be stored by either and is
        # refused when the file is read.
        with cursor.cursor.copy(table.copy_sql) as copy:
            write_row = copy.write_row
            for row in rows:
                write_row(row)

    def write(self, new: list[Encoded], changed: list[tuple[int, Encoded]], batch_id: int | None) -> None:
        """Insert new incidents, overwrite changed ones (their children deleted and re-inserted)."""
        stamp = self.as_datetime(timezone.now())
        with connection.cursor() as cursor:
            ids = self._next_ids(cursor, self.incidents, len(new))
            head = (stamp, stamp, batch_id)
            self._insert(cursor, self.incidents, [
                (pk, public_id, *head) + e[3]
                for pk, public_id, e in zip(ids, uuid4_hexes(len(new)), new, strict=True)])
            if changed:
                cursor.executemany(self.update_sql, [(stamp, batch_id) + e[3][2:] + (pk,) for pk, e in changed])
                qn = connection.ops.quote_name
                changed_ids = [pk for pk, _ in changed]
                for table in self.children:
                    for i in range(0, len(changed_ids), CHUNK):
                        part = changed_ids[i:i + CHUNK]
                        cursor.execute(f"DELETE FROM {qn(table.name)} WHERE {qn('incident_id')} IN "  # noqa: S608
                                       f"({', '.join(['%s'] * len(part))})", part)
            pairs = list(zip(ids, new, strict=True)) + changed
            self._insert(cursor, self.children[0], [(pk,) + o for pk, e in pairs for o in e[4]])
            self._insert(cursor, self.children[1], [(pk,) + v for pk, e in pairs for v in e[5]])
            extra_rows: list[list[Row]] = [[] for _ in self.children[2:]]
            for pk, e in pairs:
                if e[6]:
                    for index, values in e[6]:
                        extra_rows[index].append((pk,) + values)
            for table, rows in zip(self.children[2:], extra_rows, strict=True):
                self._insert(cursor, table, rows)
