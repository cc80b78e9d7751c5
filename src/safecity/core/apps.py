from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "safecity.core"
    label = "core"
    verbose_name = "Core"
