"""Incident pages, built by the module kit from the declaration in `incidents.kit`."""

from __future__ import annotations

from safecity.core.kit import views as kit_views
from safecity.incidents.kit import INCIDENTS

incident_list = kit_views.list_view(INCIDENTS)
incident_detail = kit_views.detail_view(INCIDENTS)
incident_create = kit_views.create_view(INCIDENTS)
incident_edit = kit_views.edit_view(INCIDENTS)
incident_export = kit_views.export_view(INCIDENTS)
