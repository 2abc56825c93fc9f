from django.apps import AppConfig


class ChannelsConfig(AppConfig):
    name = "laksana.channels"
    label = "channels"
    verbose_name = "Saluran pesan (WhatsApp, Telegram, SMS)"

    def ready(self) -> None:
        from laksana.notify import outbox

        from . import services

        # The outbox asks which chat channels a region has switched on, and where a report
        # that came by chat is answered (notify imports nothing from here).
        outbox.set_region_channels(services.enabled_providers)
        outbox.add_origin_contacts(services.origin_contacts)
