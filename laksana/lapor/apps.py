from django.apps import AppConfig


class LaporConfig(AppConfig):
    name = "laksana.lapor"
    verbose_name = "SP4N-LAPOR!"
