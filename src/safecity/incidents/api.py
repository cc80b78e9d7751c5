
import uuid
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from safecity.core.actions import record_read
from safecity.core.api_guard import requires
from safecity.core.pagination import Pagination
from safecity.core.roles import Module
from safecity.core.schemas import ErrorOut
from safecity.incidents import selectors
from safecity.incidents.models import Incident
from safecity.incidents.schemas import IncidentOut
from safecity.incidents.stats_api import router as stats_router

router = Router(tags=["incidents"])
router.add_router("/stats", stats_router)
ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class IncidentFilter(Schema):
    agency: str = ""


@router.get("/", response={200: list[IncidentOut], **ERRORS})
@requires(Module.INCIDENTS)
@paginate(Pagination, export_module=Module.INCIDENTS, what="incidents.incident")
def incident_list(request: HttpRequest, filters: Query[IncidentFilter]) -> Any:
    return selectors.incident_list(user=request.user, agency_ori=filters.agency[:9])


@router.get("/{incident_id}", response={200: IncidentOut, **ERRORS})
@requires(Module.INCIDENTS)
def incident_detail(request: HttpRequest, incident_id: uuid.UUID) -> Any:
    try:
        incident = selectors.incident_get(user=request.user, public_id=incident_id)
    except Incident.DoesNotExist:
        raise Http404 from None
    if incident.sensitivity:
        record_read(actor=request.user, obj=incident)
    return incident
