from django.apps import AppConfig


class AgenciesConfig(AppConfig):
    name = "laksana.agencies"
    label = "agencies"
    verbose_name = "OPD dan kategori"
