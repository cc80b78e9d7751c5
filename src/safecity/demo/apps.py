from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "safecity.demo"
    label = "demo"
    verbose_name = "Demo city"

    def ready(self) -> None:
        from safecity.core import audit_labels

        audit_labels.register(actions={"demo.incidents": "Demo incidents generated"})
