"""The fast path: rows go in with executemany through the ORM's connection, ids assigned up front.

Building a model instance per row costs more than the insert itself at a million rows, so this module
turns prepared records straight into parameter tuples. Column lists come from the models, and any field
this module does not set gets the model's default, so a new column with a default keeps working.
"""

from __future__ import annotations

import datetime as dt
import json
import operator
import os
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from django.db import connection, models
from django.utils import timezone

from safecity.incidents.importers.derive import Prepared
from safecity.incidents.models import Arrestee, Incident, Offender, Offense, Property, Victim

Adapter = Callable[[Any], Any]
# SQL in this module is assembled only from model metadata (table and column names, quoted by the
# backend) and placeholder lists; every value travels as a bound parameter, hence the S608 waivers.
CHUNK = 900  # stays under SQLite's bound-parameter limit when listing incident numbers
LEGACY_PREFIX = "legacy:"  # marks a fingerprint recovered from the old `source` = "FORMAT:HASH" tag


def _column(field: models.Field[Any, Any]) -> str:
    return str(field.column)  # every concrete field has one; the stubs allow None


def _same(value: Any) -> Any:
    return value


def _utc_text(value: dt.datetime) -> str:
    # Django's SQLite form, str() of the naive UTC value; isoformat(" ") is the same text plus "+00:00".
    return value.astimezone(dt.UTC).isoformat(" ")[:-6]


def _sqlite_adapter(field: models.Field[Any, Any]) -> Adapter | None:
    # Matches what Django's SQLite backend stores (naive UTC text, ISO dates, hex UUIDs, JSON text).
    if isinstance(field, models.DateTimeField):
        return _utc_text
    if isinstance(field, models.DateField):
        return dt.date.isoformat
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


def _generic_adapter(field: models.Field[Any, Any]) -> Adapter | None:
    if isinstance(field, models.DateField | models.UUIDField | models.JSONField):
        return lambda v: field.get_db_prep_save(v, connection)
    return None


class Table:
    """Insert/update SQL and value order for one model."""

    def __init__(self, model: type[models.Model], skip_on_update: frozenset[str] = frozenset()) -> None:
        self.model = model
        self.name = model._meta.db_table
        self.fields = [f for f in model._meta.concrete_fields]
        adapt = _sqlite_adapter if connection.vendor == "sqlite" else _generic_adapter
        self.adapters = [adapt(f) for f in self.fields]
        self.defaults: dict[str, Any] = {}
        for f in self.fields:
            if f.has_default() and not callable(f.default):
                self.defaults[f.attname] = f.get_default()
            elif isinstance(f, models.CharField | models.TextField) and not f.null:
                self.defaults[f.attname] = ""
            else:
                self.defaults[f.attname] = None  # primary keys and callable defaults are always given
        self.attnames = [f.attname for f in self.fields]
        qn = connection.ops.quote_name
        cols = ", ".join(qn(_column(f)) for f in self.fields)
        marks = ", ".join(["%s"] * len(self.fields))
        self.insert_sql = f"INSERT INTO {qn(self.name)} ({cols}) VALUES ({marks})"  # noqa: S608
        self.update_fields = [i for i, f in enumerate(self.fields)
                              if f.attname not in skip_on_update and not f.primary_key]
        sets = ", ".join(f"{qn(_column(self.fields[i]))} = %s" for i in self.update_fields)
        pk_column = _column(model._meta.pk) if model._meta.pk is not None else "id"
        self.update_sql = f"UPDATE {qn(self.name)} SET {sets} WHERE {qn(pk_column)} = %s"  # noqa: S608

        self.plan = [(f.attname, adapter, self.defaults[f.attname])
                     for f, adapter in zip(self.fields, self.adapters, strict=True)]

    def adapter(self, name: str) -> Adapter:
        found = self.adapters[self.attnames.index(name)]
        return found if found is not None else _same

    def builder(self, names: list[str]) -> Callable[[tuple[Any, ...]], tuple[Any, ...]]:
        """A fast row maker: values (already adapted) in `names` order → a row in column order.

        The given values are followed by every other column's default, and one C-level itemgetter
        picks the columns in table order; no per-field Python runs for each row.
        """
        rest = [n for n in self.attnames if n not in names]
        default_values = tuple(self.defaults[n] if self.defaults[n] is None else self.adapter(n)(self.defaults[n])
                               for n in rest)
        order = [*names, *rest]
        pick = operator.itemgetter(*[order.index(n) for n in self.attnames])

        def build(values: tuple[Any, ...]) -> tuple[Any, ...]:
            return pick(values + default_values)  # type: ignore[no-any-return]

        return build

    def row(self, values: dict[str, Any]) -> list[Any]:
        out = []
        get = values.get
        for name, adapter, default in self.plan:
            value = get(name, default)
            out.append(value if adapter is None or value is None else adapter(value))
        return out


class IncidentStore:
    def __init__(self, agency_id: int, source: str, code_ids: dict[str, int]) -> None:
        self.agency_id = agency_id
        self.code_ids = code_ids
        self.source = source
        self.incidents = Table(Incident, frozenset({"public_id", "created", "agency_id", "incident_number"}))
        self.children = [Table(m) for m in (Offense, Victim, Offender, Arrestee, Property)]
        self.offenses, self.victims, self.offenders, self.arrestees, self.properties = self.children
        self.vendor = connection.vendor
        self.offense_row = self.offenses.builder(
            ["id", "agency_id", "incident_id", "seq", "code_id", "occurred_date", "attempted", "weapon_codes",
             "gang_codes", "bias_code", "location_type", "is_firearm"])
        self.victim_row = self.victims.builder(
            ["id", "agency_id", "incident_id", "seq", "victim_type", "age", "sex", "race", "ethnicity",
             "injury_codes", "offense_codes", "relationship", "is_fatal", "is_shot"])
        self.as_date = self.offenses.adapter("occurred_date")
        self.as_datetime = self.incidents.adapter("occurred_from")
        self.as_uuid = self.incidents.adapter("public_id")
        self.incident_row = self.incidents.builder(list(self.INCIDENT_NAMES))
        self.as_json = self.offenses.adapter("weapon_codes")

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
        with connection.cursor() as cursor:
            for i in range(0, len(numbers), CHUNK):
                part = numbers[i:i + CHUNK]
                cursor.execute(sql_head + "(" + ", ".join(["%s"] * len(part)) + ")", [self.agency_id, *part])
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

    def _next_ids(self, cursor: Any, table: Table, count: int) -> list[int]:
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

    def write(self, new: list[Prepared], changed: list[tuple[int, Prepared]], batch_id: int | None) -> None:
        now = timezone.now()
        agency_id = self.agency_id
        with connection.cursor() as cursor:
            ids = self._next_ids(cursor, self.incidents, len(new))
            stamp = self.as_datetime(now)
            build, values = self.incident_row, self._incident_tuple
            public_ids: list[Any] = (uuid4_hexes(len(new)) if self.vendor == "sqlite"
                                     else [self.as_uuid(uuid.uuid4()) for _ in new])
            inserts = [build(values(p, pk, stamp, batch_id, public_id))
                       for pk, p, public_id in zip(ids, new, public_ids, strict=True)]
            if inserts:
                cursor.executemany(self.incidents.insert_sql, inserts)
            if changed:
                updates = []
                for pk, p in changed:
                    row = self.incidents.row(self._incident_values(p, pk, now, batch_id, None))
                    updates.append([row[i] for i in self.incidents.update_fields] + [pk])
                cursor.executemany(self.incidents.update_sql, updates)
                qn = connection.ops.quote_name
                changed_ids = [pk for pk, _ in changed]
                for table in self.children:
                    for i in range(0, len(changed_ids), CHUNK):
                        part = changed_ids[i:i + CHUNK]
                        cursor.execute(f"DELETE FROM {qn(table.name)} WHERE {qn('incident_id')} IN "  # noqa: S608
                                       f"({', '.join(['%s'] * len(part))})", part)
            pairs = list(zip(ids, new, strict=True)) + changed
            offense_ids = iter(self._next_ids(cursor, self.offenses, sum(len(p.rec.offenses) for _, p in pairs)))
            victim_ids = iter(self._next_ids(cursor, self.victims, sum(len(p.rec.victims) for _, p in pairs)))
            offense_rows, victim_rows = [], []
            offense_row, victim_row, as_date, as_json = self.offense_row, self.victim_row, self.as_date, self.as_json
            code_ids = self.code_ids
            rows: dict[str, list[list[Any]]] = {t.name: [] for t in self.children[2:]}
            for pk, p in pairs:
                rec = p.rec
                day = as_date(p.occurred_date)
                for seq, (o, firearm) in enumerate(zip(rec.offenses, p.offense_firearm, strict=True), 1):
                    offense_rows.append(offense_row((
                        next(offense_ids), agency_id, pk, seq, code_ids[o.code], day, o.attempted,
                        as_json(o.weapon_codes), as_json(o.gang_codes), o.bias_code, o.location_type, firearm)))
                for v, fatal, shot in zip(rec.victims, p.victim_fatal, p.victim_shot, strict=True):
                    victim_rows.append(victim_row((
                        next(victim_ids), agency_id, pk, v.seq, v.victim_type, v.age, v.sex, v.race, v.ethnicity,
                        as_json(v.injury_codes), as_json(v.offense_codes), v.relationship, fatal, shot)))
                if not (rec.offenders or rec.arrestees or rec.properties):
                    continue
                base = {"agency_id": agency_id, "incident_id": pk}
                for offender in rec.offenders:
                    rows[self.offenders.name].append(self.offenders.row({
                        **base, "seq": offender.seq, "age": offender.age, "sex": offender.sex,
                        "race": offender.race, "ethnicity": offender.ethnicity}))
                for a in rec.arrestees:
                    rows[self.arrestees.name].append(self.arrestees.row({
                        **base, "seq": a.seq, "arrest_date": a.arrest_date, "arrest_type": a.arrest_type,
                        "offense_code": a.offense_code, "armed_with": a.armed_with, "age": a.age, "sex": a.sex,
                        "race": a.race, "ethnicity": a.ethnicity}))
                for pr in rec.properties:
                    rows[self.properties.name].append(self.properties.row({
                        **base, "seq": pr.seq, "loss_type": pr.loss_type,
                        "description_code": pr.description_code, "value": pr.value}))
            if offense_rows:
                cursor.executemany(self.offenses.insert_sql, offense_rows)
            if victim_rows:
                cursor.executemany(self.victims.insert_sql, victim_rows)
            for table in self.children[2:]:
                batch = rows[table.name]
                if batch:
                    child_ids = self._next_ids(cursor, table, len(batch))
                    pk_index = table.attnames.index("id")
                    for child_id, row in zip(child_ids, batch, strict=True):
                        row[pk_index] = child_id
                    cursor.executemany(table.insert_sql, batch)

    INCIDENT_NAMES = (
        "id", "public_id", "sensitivity", "created", "last_updated", "agency_id", "incident_number",
        "occurred_from", "occurred_to", "occurred_date", "reported_at", "block_address", "latitude", "longitude",
        "district_id", "beat_id", "location_type", "cleared_exceptionally", "cleared_at", "is_firearm",
        "is_violent", "is_shooting", "is_fatal", "victim_count", "offense_count", "primary_offense", "source",
        "content_hash", "import_batch_id")

    def _incident_tuple(self, p: Prepared, pk: int, stamp: Any, batch_id: int | None,
                        public_id: Any) -> tuple[Any, ...]:
        rec = p.rec
        as_dt, as_date = self.as_datetime, self.as_date
        return (
            pk, public_id, p.sensitivity, stamp, stamp, self.agency_id, rec.incident_number,
            as_dt(rec.occurred_from), as_dt(rec.occurred_to) if rec.occurred_to else None,
            as_date(p.occurred_date), as_dt(rec.reported_at) if rec.reported_at else None, rec.block_address,
            rec.latitude, rec.longitude, p.district_id, p.beat_id, rec.location_type[:3],
            rec.cleared_exceptionally[:1], as_date(rec.cleared_at) if rec.cleared_at else None, p.is_firearm,
            p.is_violent, p.is_shooting, p.is_fatal, len(rec.victims), len(rec.offenses), p.primary_offense,
            self.source, p.digest, batch_id)

    def _incident_values(self, p: Prepared, pk: int, now: dt.datetime, batch_id: int | None,
                         public_id: uuid.UUID | None) -> dict[str, Any]:
        rec = p.rec
        values: dict[str, Any] = {
            "id": pk, "sensitivity": p.sensitivity, "created": now, "last_updated": now,
            "agency_id": self.agency_id, "incident_number": rec.incident_number,
            "occurred_from": rec.occurred_from, "occurred_to": rec.occurred_to, "occurred_date": p.occurred_date,
            "reported_at": rec.reported_at, "block_address": rec.block_address, "latitude": rec.latitude,
            "longitude": rec.longitude, "district_id": p.district_id, "beat_id": p.beat_id,
            "location_type": rec.location_type[:3], "cleared_exceptionally": rec.cleared_exceptionally[:1],
            "cleared_at": rec.cleared_at, "is_firearm": p.is_firearm, "is_violent": p.is_violent,
            "is_shooting": p.is_shooting, "is_fatal": p.is_fatal, "victim_count": len(rec.victims),
            "offense_count": len(rec.offenses), "primary_offense": p.primary_offense,
            "source": self.source, "content_hash": p.digest, "import_batch_id": batch_id,
        }
        if public_id is not None:
            values["public_id"] = public_id
        return values
