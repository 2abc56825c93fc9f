from django.apps import AppConfig


class Open311Config(AppConfig):
    name = "laksana.open311"
    label = "open311"
