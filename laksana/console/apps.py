from django.apps import AppConfig


class ConsoleConfig(AppConfig):
    name = "laksana.console"
    label = "console"
