from django.apps import AppConfig


class MailinConfig(AppConfig):
    name = "laksana.mailin"
    verbose_name = "E-mail masuk"

    def ready(self) -> None:
        # Citizens' e-mails carry Reply-To: the region's inbox, so their replies come back here.
        from laksana.notify import channels

        from . import services

        channels.reply_address = services.inbox_address
