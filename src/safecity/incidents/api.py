"""Incident API: /api/v1/incidents/ (list) and /{incident_id} (detail) from the module kit, and /stats/…."""

from ninja import Router

from safecity.core.kit.api import register
from safecity.incidents.kit import INCIDENTS
from safecity.incidents.schemas import IncidentDetailOut, IncidentOut
from safecity.incidents.stats_api import router as stats_router

router = Router(tags=["incidents"])
router.add_router("/stats", stats_router)
# GET / (the filters declared in incidents.kit, sorting, the bulk-read rule) and GET /{incident_id}
register(router, INCIDENTS, IncidentOut, IncidentDetailOut)
