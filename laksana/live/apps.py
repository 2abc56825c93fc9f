from django.apps import AppConfig


class LiveConfig(AppConfig):
    name = "laksana.live"
    label = "live"
    verbose_name = "Live"
