import pytest

from laksana.channels import services
from laksana.channels.models import ChannelSettings
from laksana.channels.standins import ProviderStandIn
from laksana.notify import delivery
from laksana.notify.models import Notification

from . import meta

BOT_TOKEN = "123456:TEST-bot-token_abc"


@pytest.fixture(autouse=True)
def provider_network(settings, media_root):
    """The stand-in listens on http://127.0.0.1: allowed the way an installation allows an
    internal address (egress.py refuses it by default)."""
    settings.WEBHOOK_ALLOW_HTTP = True
    settings.WEBHOOK_ALLOWED_NETWORKS = ("127.0.0.0/8",)
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def stand_in(settings):
    server = ProviderStandIn(bot_token=BOT_TOKEN, access_token="wa-access-token-tng")
    settings.WHATSAPP_GRAPH_URL = f"{server.url}/v21.0"
    settings.TELEGRAM_API_URL = server.url
    meta.HEARD[:] = [server]  # the WhatsApp messages the tests post reach it first (meta.py)
    yield server
    meta.HEARD.clear()
    server.close()


def _switch_on(region, provider, **fields):
    account = ChannelSettings.objects.create(
        region=region, provider=provider, enabled=True, **fields
    )
    services.forget_settings(region.id)
    return account


@pytest.fixture
def whatsapp_tng(tangerang, stand_in):
    return _switch_on(
        tangerang,
        "whatsapp",
        phone_number_id="1000001",
        access_token="wa-access-token-tng",
        app_secret="app-secret-tng",
        verify_token="verify-tng",
    )


@pytest.fixture
def whatsapp_contoh(contoh, stand_in):
    return _switch_on(
        contoh,
        "whatsapp",
        phone_number_id="2000002",
        access_token="wa-access-token-contoh",
        app_secret="app-secret-contoh",
        verify_token="verify-contoh",
    )


@pytest.fixture
def telegram_tng(tangerang, stand_in):
    return _switch_on(tangerang, "telegram", bot_token=BOT_TOKEN, secret_token="tg-secret-tng")


@pytest.fixture
def sms_tng(tangerang, stand_in):
    return _switch_on(
        tangerang,
        "sms",
        gateway_url=f"{stand_in.url}/sms/send",
        api_key="sms-api-key-tng",
        sender="LAKSANA",
        secret_token="sms-inbound-tng",
    )


@pytest.fixture
def deliver_outbox():
    """What `laksana worker` does: deliver every due outbox row (here, at once)."""

    def run() -> list[str]:
        pending = Notification.objects.filter(status="pending").order_by("id")
        return [delivery.deliver(pk) for pk in pending.values_list("id", flat=True)]

    return run
