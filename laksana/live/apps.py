from django.apps import AppConfig


class LiveConfig(AppConfig):
    name = "laksana.live"
    label = "live"
    verbose_name = "Live"

    def ready(self) -> None:
        from laksana.complaints import hooks

        from .services import RoomEvents

        # The lifecycle knows no app above it: live takes part in each event by subscribing.
        hooks.subscribe("live", RoomEvents())
