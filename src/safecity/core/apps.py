from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "safecity.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from safecity.core import checks  # noqa: F401  registers the audit-guard system checks
