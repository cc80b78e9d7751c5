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
        Stop.objects.bulk_create(fresh, batch_size=CHUNK)
        if fresh:
            frame.touch(agency.pk)
        frame.extra = {"stops": len(fresh), "skipped": len(rows) - len(fresh)}
    return len(fresh)
