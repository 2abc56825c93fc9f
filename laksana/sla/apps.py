from django.apps import AppConfig


class SlaConfig(AppConfig):
    name = "laksana.sla"
    label = "sla"
