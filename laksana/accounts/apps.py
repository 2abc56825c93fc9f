from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "laksana.accounts"
    label = "accounts"
    verbose_name = "Akun"

    def ready(self):
        from . import lockout  # noqa: F401  (connects the sign-in lockout's signal receivers)
