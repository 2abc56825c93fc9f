from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "laksana.notify"
    label = "notify"
    verbose_name = "Notifikasi"
