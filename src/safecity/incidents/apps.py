from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "safecity.incidents"
    label = "incidents"
    verbose_name = "Incidents"

    def ready(self) -> None:
        from safecity.core.tasks import register_daily
        from safecity.incidents.tasks import daily

        register_daily(daily)
