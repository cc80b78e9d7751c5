"""Stop writes. Imports go through the importer framework (`imports_stops`, committed by
`core.importing.actions.batch_commit`); `stop_bulk_create` adds many stops at once for set-up code (the demo
city) with one audit event, after the same OPP value rules and agency checks the importer applies."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError

from safecity.core.actions import audited
from safecity.core.actors import Actor, is_system
from safecity.core.models import Agency
from safecity.core.permissions import ensure_module
from safecity.core.roles import Module
from safecity.policing.models import Stop
from safecity.policing.stops_opp import RACES, strictest_outcome

__all__ = ["stop_bulk_create"]

CHUNK = 2000


def _insert(stops: list[Stop]) -> None:
    """One parameterised INSERT run with executemany, inside the action's transaction.

    Why not `bulk_create`: at the demo's ~50,000 stops its per-value preparation in the SQL compiler took
    most of a minute on a shared machine; here only the fields that need the backend's conversion (dates,
    times, timestamps, UUIDs) go through `get_db_prep_save`, the rest are passed as they are."""
    from django.db import connection, models
    from django.utils import timezone

    fields = [f for f in Stop._meta.concrete_fields if not f.primary_key]
    convert = [isinstance(f, models.DateField | models.TimeField | models.UUIDField) for f in fields]
    now = timezone.now()
    def quote(name: str | None) -> str:
        return connection.ops.quote_name(str(name))

    # Only quoted identifiers from the model's own metadata are formatted in; every value is a parameter.
    names = ", ".join(quote(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {quote(Stop._meta.db_table)} ({names}) VALUES ({marks})"  # noqa: S608
    rows = []
    for stop in stops:
        stop.created = stop.last_updated = now
        rows.append([f.get_db_prep_save(getattr(stop, f.attname), connection) if c else getattr(stop, f.attname)
                     for f, c in zip(fields, convert, strict=True)])
    with connection.cursor() as cursor:
        for i in range(0, len(rows), CHUNK):
            cursor.executemany(sql, rows[i:i + CHUNK])


def stop_bulk_create(*, actor: Actor, agency: Agency, rows: Sequence[dict[str, Any]]) -> int:
    """Insert stops (dicts of Stop fields; `stop_id` required, FKs as `district_id`/`beat_id`/`officer_id`).

    Stop ids already stored for the agency are skipped, so running the same rows twice adds nothing. The
    outcome is set to the strictest of the flags when not given, contraband is cleared when whether a search
    happened is not recorded (OPP rules). Returns the number of stops added.
    """
    with audited(actor=actor, action="stop.bulk_create", obj=agency) as frame:
        if not is_system(actor):
            ensure_module(actor, Module.POLICING, "add", agency.pk)
        ids = [str(r["stop_id"]) for r in rows]
        if len(set(ids)) != len(ids):
            raise ValidationError({"stop_id": "The same stop id appears twice."})
        stored: set[str] = set()
        for i in range(0, len(ids), 900):
            stored.update(Stop.objects.filter(agency=agency, stop_id__in=ids[i:i + 900])
                          .values_list("stop_id", flat=True))
        fresh = []
        for row in rows:
            if str(row["stop_id"]) in stored:
                continue
            values = dict(row)
            if values.get("subject_race", "unknown") not in RACES:
                raise ValidationError({"subject_race": f"{values['subject_race']!r} is not an OPP race value"})
            if values.get("search_conducted") is None:
                values["contraband_found"] = None
            if not values.get("outcome"):
                values["outcome"] = strictest_outcome(values.get("arrest_made"), values.get("citation_issued"),
                                                      values.get("warning_issued"))
            fresh.append(Stop(agency=agency, **values))
        _insert(fresh)
        if fresh:
            frame.touch(agency.pk)
        frame.extra = {"stops": len(fresh), "skipped": len(rows) - len(fresh)}
    return len(fresh)
