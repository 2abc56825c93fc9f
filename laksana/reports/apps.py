from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "laksana.reports"
    label = "reports"
    verbose_name = "Laporan dan statistik"
