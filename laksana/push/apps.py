from django.apps import AppConfig


class PushConfig(AppConfig):
    name = "laksana.push"
    label = "push"
    verbose_name = "Notifikasi push (ponsel petugas)"

    def ready(self) -> None:
        from laksana.complaints import hooks

        from .alerts import PushEvents

        # A liaison's new disposition and an officer's new task are written to the outbox in
        # the event's own transaction, as one row per subscribed device.
        hooks.subscribe("push", PushEvents())
