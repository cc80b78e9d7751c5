from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "safecity.incidents"
    label = "incidents"
    verbose_name = "Incidents"

    def ready(self) -> None:
        from safecity.core import rules
        from safecity.core.importing import spec as importing
        from safecity.core.tasks import register_daily
        from safecity.incidents.bias import BIAS_PACK
        from safecity.incidents.codes import CODE_PACK
        from safecity.incidents.tasks import daily

        register_daily(daily)
        rules.register(CODE_PACK)
        rules.register(BIAS_PACK)
        # By dotted path: start-up stays light, the importer is imported when an import runs.
        importing.register("safecity.incidents.importers.pipeline:INCIDENTS", name="incidents")
