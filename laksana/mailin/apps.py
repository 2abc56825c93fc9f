from django.apps import AppConfig


class MailinConfig(AppConfig):
    name = "laksana.mailin"
    verbose_name = "E-mail masuk"
