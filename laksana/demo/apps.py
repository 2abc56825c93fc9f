from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "laksana.demo"
    label = "demo"
    verbose_name = "Demo"
