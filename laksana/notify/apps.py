from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "laksana.notify"
    label = "notify"
    verbose_name = "Notifikasi"

    def ready(self) -> None:
        from laksana.complaints import hooks

        from .outbox import OutboxEvents

        # The outbox rows of an event are written in its transaction, by subscription.
        hooks.subscribe("notify", OutboxEvents())
