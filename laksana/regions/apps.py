from django.apps import AppConfig


class RegionsConfig(AppConfig):
    name = "laksana.regions"
    label = "regions"
    verbose_name = "Wilayah"
