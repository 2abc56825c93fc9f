from django.apps import AppConfig


class ComplaintsConfig(AppConfig):
    name = "laksana.complaints"
    label = "complaints"
    verbose_name = "Laporan"
