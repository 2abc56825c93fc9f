from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "laksana.accounts"
    label = "accounts"
    verbose_name = "Akun"
