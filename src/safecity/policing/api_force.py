"""Use-of-force API: /api/v1/policing/force/ — records (kit), the public-safe summary and the FBI month file.

No `from __future__ import annotations` here: ninja needs the real annotations."""

import datetime as dt
import re
from typing import Any

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import HttpRequest
from ninja import Query, Router

from safecity.core.actions import record_export
from safecity.core.api_guard import requires
from safecity.core.kit.api import ERRORS, register
from safecity.core.roles import EXPORT, VIEW, Module
from safecity.policing import selectors
from safecity.policing.kit.force import FORCE_INCIDENTS
from safecity.policing.schemas.force import (
    FbiQuery,
    ForceIncidentDetailOut,
    ForceIncidentOut,
    PublicSummaryOut,
    SummaryQuery,
)

force_router = Router(tags=["policing"])


@force_router.get("/summary", response={200: PublicSummaryOut, **ERRORS},
                  operation_id="safecity_policing_api_force_summary")
@requires(Module.POLICING)
def force_summary(request: HttpRequest, q: Query[SummaryQuery]) -> Any:
    """Public-safe counts (no names or badges; counts under 5 are null; officers by keyed hash)."""
    if q.date_from and q.date_to and q.date_from > q.date_to:
        raise ValidationError({"date_to": "Must not be before date_from."})
    result = selectors.public_summary(user=request.user, date_from=q.date_from, date_to=q.date_to)
    return {"incidents": result.incidents, "reportable": result.reportable, "small_cell": result.small_cell,
            "tables": [{"key": key, "title": title, "rows": [{"group": c.label, "incidents": c.count} for c in cells]}
                       for key, title, cells in result.tables]}


@force_router.get("/fbi", response={200: list[dict[str, Any]], **ERRORS},
                  operation_id="safecity_policing_api_force_fbi")
@requires(Module.POLICING, VIEW, EXPORT)
def force_fbi(request: HttpRequest, q: Query[FbiQuery]) -> Any:
    """The FBI National Use-of-Force Data Collection submissions of one agency for one month (YYYY-MM)."""
    if not q.agency.strip():
        raise ValidationError({"agency": "Required: the agency's ORI."})
    try:
        if not re.fullmatch(r"\d{4}-\d{2}", q.month.strip()):
            raise ValueError(q.month)
        day = dt.date.fromisoformat(q.month.strip() + "-01")
    except ValueError:
        raise ValidationError({"month": "Give the month as YYYY-MM."}) from None
    try:
        document = selectors.fbi_month(user=request.user, ori=q.agency, year=day.year, month=day.month)
    except ObjectDoesNotExist:
        raise ValidationError({"agency": "No agency with that ORI that you may export."}) from None
    except ValueError as exc:  # a record the file's schema refuses: name it instead of failing with a 500
        raise ValidationError({"month": str(exc)}) from None
    record_export(actor=request.user, what="policing.useofforceincident.fbi",
                  rows=sum("Incident" in item for item in document), fmt="json")
    return document


register(force_router, FORCE_INCIDENTS, ForceIncidentOut, ForceIncidentDetailOut)
