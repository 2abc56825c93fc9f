from django.apps import AppConfig


class RoutingConfig(AppConfig):
    name = "laksana.routing"
    label = "routing"
    verbose_name = "Saran kategori dan OPD"
