"""The transports under notify's rules: provider addresses follow the egress rules, and a
credential never reaches a log line or an outbox row."""

import logging

from laksana.channels.models import ChannelSettings
from laksana.notify.models import Notification

from .test_telegram import post, update


def test_provider_addresses_follow_the_egress_rules(
    client, telegram_tng, stand_in, deliver_outbox, settings
):
    settings.WEBHOOK_ALLOWED_NETWORKS = ()  # 127.0.0.1 is not public: refused as for webhooks
    post(client, update({"text": "Halo"}))
    assert deliver_outbox() == ["failed"]
    assert "bukan alamat publik" in Notification.objects.get().last_error
    assert stand_in.sent("telegram") == []


def test_a_refused_token_is_never_logged_nor_kept(
    client, telegram_tng, stand_in, deliver_outbox, caplog
):
    ChannelSettings.objects.filter(pk=telegram_tng.pk).update(bot_token="999:WRONG-token-value")
    caplog.set_level(logging.DEBUG)
    post(client, update({"text": "Halo"}))
    assert deliver_outbox() == ["failed"]  # 401: retrying cannot help, an admin fixes the token
    row = Notification.objects.get()
    assert row.last_error == "PermanentError: HTTP 401"
    assert "WRONG-token" not in caplog.text
