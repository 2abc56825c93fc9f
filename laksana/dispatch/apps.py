from django.apps import AppConfig


class DispatchConfig(AppConfig):
    name = "laksana.dispatch"
    label = "dispatch"
