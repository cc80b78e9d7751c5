"""The fast path: rows go in with executemany through the ORM's connection, ids assigned up front.

Building a model instance per row costs more than the insert itself at a million rows, so this module
turns prepared records straight into parameter tuples. Column lists come from the models, and any field
this module does not set gets the model's default, so a new column with a default keeps working.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from django.db import connection, models
from django.utils import timezone

from safecity.incidents.importers.derive import Prepared
from safecity.incidents.models import Arrestee, Incident, Offender, Offense, Property, Victim

Adapter = Callable[[Any], Any]
CHUNK = 900  # stays under SQLite's bound-parameter limit when listing incident numbers


def _sqlite_adapter(field: models.Field[Any, Any]) -> Adapter | None:
    if isinstance(field, models.DateTimeField):
        return lambda v: None if v is None else str(v.astimezone(dt.UTC).replace(tzinfo=None))
    if isinstance(field, models.DateField):
        return lambda v: None if v is None else v.isoformat()
    if isinstance(field, models.UUIDField):
        return lambda v: None if v is None else v.hex
    if isinstance(field, models.JSONField):
        return lambda v: json.dumps(v)
    return None


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
        cols = ", ".join(qn(f.column) for f in self.fields)
        marks = ", ".join(["%s"] * len(self.fields))
        self.insert_sql = f"INSERT INTO {qn(self.name)} ({cols}) VALUES ({marks})"
        self.update_fields = [i for i, f in enumerate(self.fields)
                              if f.attname not in skip_on_update and not f.primary_key]
        sets = ", ".join(f"{qn(self.fields[i].column)} = %s" for i in self.update_fields)
        self.update_sql = f"UPDATE {qn(self.name)} SET {sets} WHERE {qn(model._meta.pk.column)} = %s"

    def row(self, values: dict[str, Any]) -> list[Any]:
        defaults = self.defaults
        out = []
        for name, adapter in zip(self.attnames, self.adapters, strict=True):
            value = values[name] if name in values else defaults[name]
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

    # ---- reads -------------------------------------------------------------------------------------

    def existing(self, numbers: Iterable[str]) -> dict[str, tuple[int, str]]:
        """incident number → (id, stored content hash) for numbers already in the agency."""
        found: dict[str, tuple[int, str]] = {}
        numbers = list(numbers)
        qn = connection.ops.quote_name
        sql_head = (f"SELECT {qn('id')}, {qn('incident_number')}, {qn('source')} FROM {qn(self.incidents.name)} "
                    f"WHERE {qn('agency_id')} = %s AND {qn('incident_number')} IN ")
        with connection.cursor() as cursor:
            for i in range(0, len(numbers), CHUNK):
                part = numbers[i:i + CHUNK]
                cursor.execute(sql_head + "(" + ", ".join(["%s"] * len(part)) + ")", [self.agency_id, *part])
                for pk, number, source in cursor.fetchall():
                    found[number] = (pk, source.partition(":")[2])
        return found

    def source_tag(self, digest: str) -> str:
        # Incident.source is 20 characters: the format, then as much of the content hash as fits.
        return f"{self.source}:{digest}"[:20]

    def digest_matches(self, stored: str, digest: str) -> bool:
        return bool(stored) and digest.startswith(stored)

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
        cursor.execute(f"SELECT COALESCE(MAX({qn('id')}), 0) FROM {qn(table.name)}")
        start = cursor.fetchone()[0] + 1
        return list(range(start, start + count))

    def write(self, new: list[Prepared], changed: list[tuple[int, Prepared]], batch_id: int | None) -> None:
        now = timezone.now()
        agency_id = self.agency_id
        with connection.cursor() as cursor:
            ids = self._next_ids(cursor, self.incidents, len(new))
            inserts = [self.incidents.row(self._incident_values(p, pk, now, batch_id, uuid.uuid4()))
                       for pk, p in zip(ids, new, strict=True)]
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
                        cursor.execute(f"DELETE FROM {qn(table.name)} WHERE {qn('incident_id')} IN "
                                       f"({', '.join(['%s'] * len(part))})", part)
            pairs = list(zip(ids, new, strict=True)) + changed
            rows: dict[str, list[list[Any]]] = {t.name: [] for t in self.children}
            for pk, p in pairs:
                rec, day = p.rec, p.occurred_date
                base = {"agency_id": agency_id, "incident_id": pk}
                for seq, (o, firearm) in enumerate(zip(rec.offenses, p.offense_firearm, strict=True), 1):
                    rows[self.offenses.name].append(self.offenses.row({
                        **base, "seq": seq, "code_id": self.code_ids[o.code], "occurred_date": day,
                        "attempted": o.attempted, "weapon_codes": o.weapon_codes, "gang_codes": o.gang_codes,
                        "bias_code": o.bias_code, "location_type": o.location_type, "is_firearm": firearm}))
                for v in rec.victims:
                    fatal = p.is_fatal and ("09A" in v.offense_codes or not v.offense_codes)
                    rows[self.victims.name].append(self.victims.row({
                        **base, "seq": v.seq, "victim_type": v.victim_type, "age": v.age, "sex": v.sex,
                        "race": v.race, "ethnicity": v.ethnicity, "injury_codes": v.injury_codes,
                        "offense_codes": v.offense_codes, "relationship": v.relationship, "is_fatal": fatal,
                        "is_shot": p.is_shooting and v.victim_type in ("I", "L")}))
                for o in rec.offenders:
                    rows[self.offenders.name].append(self.offenders.row({
                        **base, "seq": o.seq, "age": o.age, "sex": o.sex, "race": o.race,
                        "ethnicity": o.ethnicity}))
                for a in rec.arrestees:
                    rows[self.arrestees.name].append(self.arrestees.row({
                        **base, "seq": a.seq, "arrest_date": a.arrest_date, "arrest_type": a.arrest_type,
                        "offense_code": a.offense_code, "armed_with": a.armed_with, "age": a.age, "sex": a.sex,
                        "race": a.race, "ethnicity": a.ethnicity}))
                for pr in rec.properties:
                    rows[self.properties.name].append(self.properties.row({
                        **base, "seq": pr.seq, "loss_type": pr.loss_type,
                        "description_code": pr.description_code, "value": pr.value}))
            for table in self.children:
                batch = rows[table.name]
                if batch:
                    child_ids = self._next_ids(cursor, table, len(batch))
                    pk_index = table.attnames.index("id")
                    for child_id, row in zip(child_ids, batch, strict=True):
                        row[pk_index] = child_id
                    cursor.executemany(table.insert_sql, batch)

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
            "source": self.source_tag(p.digest), "import_batch_id": batch_id,
        }
        if public_id is not None:
            values["public_id"] = public_id
        return values
