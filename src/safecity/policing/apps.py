from django.apps import AppConfig


class PolicingConfig(AppConfig):
    name = "safecity.policing"
    label = "policing"
    verbose_name = "Community policing"

    def ready(self) -> None:
        from safecity.core import audit_labels, nav
        from safecity.core.roles import Module

        nav.register(
            nav.NavLink(nav.RECORDS, "Officers", "policing:list", Module.POLICING, order=20),
        )
        audit_labels.register(
            actions={
                "unit.create": "Unit created",
                "officer.create": "Officer added",
                "officer.update": "Officer changed",
                "assignment.start": "Officer reassigned",
            },
            objects={
                "policing.unit": "Unit",
                "policing.officer": "Officer",
                "policing.assignment": "Assignment",
            },
        )
        self._ready_stops()

    def _ready_stops(self) -> None:
        # Stops and equity (issue 9 item 7): the import type, the list and equity pages, audit words.
        from safecity.core import audit_labels, nav
        from safecity.core.importing import spec as importing
        from safecity.core.roles import Module

        importing.register("safecity.policing.imports_stops:STOPS", name="stops")
        nav.register(
            nav.NavLink(nav.RECORDS, "Stops", "policing_stops:list", Module.POLICING, order=24),
            nav.NavLink(nav.ANALYSIS, "Stops and equity", "policing_stops:equity", Module.POLICING, order=24),
        )
        audit_labels.register(
            actions={"stop.bulk_create": "Stops added in bulk"},
            objects={"policing.stop": "Stop", "policing.stopimportbatch": "Stop import"},
        )
