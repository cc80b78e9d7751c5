"""Imports of incidents over the API: the importer framework's operations (`core.importing.api`) for the
incident record type. Mount with `api.add_router("/imports", import_router)` → /api/v1/imports."""

from ninja import Router

from safecity.core.importing.api import register
from safecity.incidents.importers.pipeline import INCIDENTS

router = Router(tags=["imports"])
register(router, INCIDENTS, operation_prefix="safecity_incidents_import_api_import")
