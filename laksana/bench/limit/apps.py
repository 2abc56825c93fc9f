from django.apps import AppConfig


class LimitConfig(AppConfig):
    name = "laksana.bench.limit"
    label = "limit"
    default_auto_field = "django.db.models.BigAutoField"
