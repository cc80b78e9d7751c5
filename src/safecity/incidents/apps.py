from typing import Any

from django.apps import AppConfig


def _warm(user: Any) -> int:
    # Imported when a warm-up runs: the analyses pull in the API schemas, which every command would pay for.
    from safecity.incidents.warm import warm_user

    return warm_user(user)


class IncidentsConfig(AppConfig):
    name = "safecity.incidents"
    label = "incidents"
    verbose_name = "Incidents"

    def ready(self) -> None:
        from safecity.core import audit_labels, nav, rules, warmup
        from safecity.core.importing import spec as importing
        from safecity.core.roles import Module
        from safecity.core.tasks import register_daily
        from safecity.incidents.bias import BIAS_PACK
        from safecity.incidents.codes import CODE_PACK
        from safecity.incidents.tasks import daily

        register_daily(daily)
        warmup.register(Module.INCIDENTS, _warm)
        rules.register(CODE_PACK)
        rules.register(BIAS_PACK)
        # By dotted path: start-up stays light, the importer is imported when an import runs.
        importing.register("safecity.incidents.importers.pipeline:INCIDENTS", name="incidents")
        nav.register(
            nav.NavLink(nav.RECORDS, "Incidents", "incidents:list", Module.INCIDENTS, order=10),
            # Importing needs add, change and delete; delete is the one roles that may not import lack.
            nav.NavLink(nav.RECORDS, "Import incidents", "incidents_import:upload", Module.INCIDENTS,
                        action="delete", order=11),
            *(nav.NavLink(nav.ANALYSIS, label, f"incidents:{name}", Module.INCIDENTS, order=n)
              for n, (label, name) in enumerate((
                  ("CompStat", "stats_compstat"), ("Trends", "stats_trends"), ("Upticks", "stats_upticks"),
                  ("Hot spots", "stats_hotspots"), ("Near repeat", "stats_near_repeat"),
                  ("Firearm violence", "stats_firearm")))),
        )
        audit_labels.register(
            actions={
                "incident.create": "Incident created",
                "incident.update": "Incident changed",
                "import.start": "Import started",
                "import.batch": "Import batch stored",
                "import.finish": "Import finished",
                "import.staging_purge": "Old import staging files removed",
            },
            objects={
                "incidents.incident": "Incident",
                "incidents.importbatch": "Import",
                "incidents.import_errors": "Import error report",
                "incidents.compstat": "CompStat",
                "incidents.trends": "Crime trends",
                "incidents.upticks": "Upticks",
                "incidents.hotspots": "Hot spots",
                "incidents.near_repeat": "Near repeat",
                "incidents.firearm_violence": "Firearm violence",
            },
        )
