from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "safecity.demo"
    label = "demo"
    verbose_name = "Demo city"
