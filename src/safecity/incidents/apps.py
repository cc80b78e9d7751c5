from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "safecity.incidents"
    label = "incidents"
    verbose_name = "Incidents"
