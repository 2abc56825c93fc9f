"""`laksana demo --simulate` plays chat citizens: their conversations go through the real webhooks
of a served site (over HTTP, signed as the providers sign) and the replies through the outbox to
the providers' stand-in."""

import pytest

from laksana.channels.models import ChatReport
from laksana.channels.standins import sent_text
from laksana.complaints.models import Attachment, Complaint
from laksana.demo import chats
from laksana.notify import delivery
from laksana.notify.models import Notification

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def stand_in(settings, tangerang, media_root):
    """What the demo does at start: the stand-in, this process pointed at it, both channels on."""
    server = chats.start_stand_in()
    for name, value in chats.demo_settings(server).items():
        setattr(settings, name, value)
    chats.switch_on(tangerang)
    yield server
    server.close()


def deliver_outbox() -> list[str]:
    """What the demo's worker does: deliver every due outbox row (here, at once)."""
    pending = Notification.objects.filter(status="pending").order_by("id")
    return [delivery.deliver(pk) for pk in pending.values_list("id", flat=True)]


def texts_to(stand_in, provider: str, recipient: str) -> list[str]:
    found = [sent_text(provider, call["json"]) for call in stand_in.sent(provider)]
    return [text for to, text in found if to == recipient]


def test_a_whatsapp_and_a_telegram_conversation_become_complaints_answered_on_the_stand_in(
    live_server, stand_in, tangerang
):
    citizens = chats.ChatCitizens(tangerang, live_server.url, seed=16, pause=0, stand_in=stand_in)
    citizens.conversation("whatsapp", photo=True)
    citizens.conversation("telegram", photo=False)
    whatsapp, telegram = citizens.finished

    for finished in (whatsapp, telegram):
        complaint = Complaint.objects.get(region=tangerang, number=finished.number)
        assert complaint.channel == finished.provider  # what the wall shows as its channel
        assert complaint.area is not None and complaint.area.region_id == tangerang.id
        assert ChatReport.objects.filter(complaint=complaint).exists()
    assert Attachment.objects.filter(
        complaint__number=whatsapp.number, purpose="report"
    ).exists()  # the photo, fetched from the stand-in's Graph API

    assert set(deliver_outbox()) == {"sent"}
    for finished in (whatsapp, telegram):
        replies = texts_to(stand_in, finished.provider, finished.sender)
        assert "Ceritakan apa yang terjadi" in replies[0]
        assert finished.number in replies[-1]
        assert "/kota-tangerang/lacak/" in replies[-1]

    citizens.status_query(telegram)
    assert deliver_outbox() == ["sent"]
    answer = texts_to(stand_in, "telegram", telegram.sender)[-1]
    assert answer.startswith(f"Laporan {telegram.number} (")


def test_a_refused_round_is_reported_not_raised_and_the_next_one_comes(
    live_server, stand_in, tangerang
):
    """A webhook that refuses (here: the region's secret changed under the demo) fails only
    that round."""
    citizens = chats.ChatCitizens(tangerang, live_server.url, seed=3, pause=0, stand_in=stand_in)
    tangerang.channel_settings.filter(provider="telegram").update(secret_token="changed")
    with pytest.raises(chats.ChatFailed, match="403"):
        citizens.conversation("telegram")
    assert not Complaint.objects.filter(region=tangerang, channel="telegram").exists()
    citizens.conversation("whatsapp", photo=False)
    assert Complaint.objects.filter(region=tangerang, channel="whatsapp").count() == 1


def test_the_stand_in_settings_are_refused_outside_debug(settings, stand_in):
    settings.DEBUG = False
    with pytest.raises(RuntimeError, match="DEBUG"):
        chats.use_stand_in(stand_in)
