from django.apps import AppConfig


class BenchConfig(AppConfig):
    name = "laksana.bench"
    label = "bench"
