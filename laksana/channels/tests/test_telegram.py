"""Telegram end to end: updates in with the webhook's secret token, replies out to a stand-in of
the Bot API running as a real HTTP server, through the outbox."""

from laksana.channels.models import ChatReport, Conversation, InboundMessage
from laksana.complaints import services as complaints
from laksana.complaints.models import Attachment, Complaint
from laksana.notify.models import Notification
from laksana.testing.personas import IN_TANGERANG

from .conftest import BOT_TOKEN

CHAT_ID = 987654321
updates = iter(range(500_000, 600_000))


def update(message: dict, *, update_id=None) -> dict:
    n = update_id or next(updates)
    return {
        "update_id": n,
        "message": {
            "message_id": n % 1000,
            "from": {"id": CHAT_ID, "is_bot": False, "first_name": "Budi", "username": "budi_tng"},
            "chat": {"id": CHAT_ID, "type": "private", "first_name": "Budi"},
            "date": 1764720000,
            **message,
        },
    }


def post(client, body, *, secret="tg-secret-tng", region="kota-tangerang"):
    return client.post(
        f"/channels/{region}/telegram/",
        body,
        content_type="application/json",
        headers={"X-Telegram-Bot-Api-Secret-Token": secret},
    )


def last_sent(stand_in) -> dict:
    return stand_in.sent("telegram")[-1]["json"]


def test_conversation_from_start_to_tracking_number_and_status(
    client, telegram_tng, stand_in, deliver_outbox, operator
):
    assert post(client, update({"text": "/start"})).status_code == 200
    deliver_outbox()
    assert "Ceritakan apa yang terjadi" in last_sent(stand_in)["text"]
    assert last_sent(stand_in)["chat_id"] == str(CHAT_ID)

    post(client, update({"text": "Jalan berlubang dalam di depan SDN 3, sudah dua minggu."}))
    deliver_outbox()
    button = last_sent(stand_in)["reply_markup"]["keyboard"][0][0]
    assert button["request_location"] is True

    lat, lng = IN_TANGERANG
    post(client, update({"location": {"latitude": lat, "longitude": lng}}))
    post(
        client,
        update(
            {
                "photo": [
                    {"file_id": "small-1", "file_unique_id": "s1", "width": 90, "height": 67},
                    {"file_id": "large-1", "file_unique_id": "l1", "width": 1280, "height": 960},
                ]
            }
        ),
    )
    deliver_outbox()
    keyboard = last_sent(stand_in)["reply_markup"]["keyboard"]
    assert keyboard[0][0]["text"].startswith("1. ")
    # The largest size was fetched: getFile, then the file, with the region's bot token.
    paths = [c["path"] for c in stand_in.calls]
    assert f"/bot{BOT_TOKEN}/getFile" in paths
    assert f"/file/bot{BOT_TOKEN}/photos/large-1.jpg" in paths

    post(client, update({"text": keyboard[0][0]["text"]}))  # the keyboard sends its button's text
    deliver_outbox()
    complaint = Complaint.objects.get()
    assert complaint.number in last_sent(stand_in)["text"]
    assert "/kota-tangerang/lacak/" in last_sent(stand_in)["text"]
    assert last_sent(stand_in)["reply_markup"] == {"remove_keyboard": True}
    assert complaint.channel == "telegram"
    assert complaint.reporter is None  # a chat id is not a phone number
    assert Attachment.objects.filter(complaint=complaint).count() == 1
    assert ChatReport.objects.get().complaint == complaint

    post(client, update({"text": f"STATUS {complaint.number}"}))
    deliver_outbox()
    assert "Diterima" in last_sent(stand_in)["text"]

    complaints.verify(staff=operator, complaint=complaint)
    deliver_outbox()
    assert "diverifikasi" in last_sent(stand_in)["text"]
    assert all(c["path"] == f"/bot{BOT_TOKEN}/sendMessage" for c in stand_in.sent("telegram"))


def test_a_wrong_secret_token_is_refused_and_nothing_stored(client, telegram_tng):
    assert post(client, update({"text": "Halo"}), secret="wrong").status_code == 403
    assert post(client, update({"text": "Halo"}), secret="").status_code == 403
    assert not InboundMessage.objects.exists() and not Conversation.objects.exists()


def test_the_same_update_twice_is_taken_in_once(client, telegram_tng):
    body = update({"text": "LAPOR JALAN-RUSAK Sukarasa jalan berlubang dalam di depan sekolah"})
    post(client, body)
    skip = update({"text": "lewati"})
    post(client, skip)
    post(client, skip)
    assert Complaint.objects.count() == 1
    assert Notification.objects.filter(channel="telegram").count() == 2


def test_another_regions_secret_is_refused(client, telegram_tng, contoh):
    from laksana.channels.models import ChannelSettings

    ChannelSettings.objects.create(
        region=contoh,
        provider="telegram",
        enabled=True,
        bot_token="1:other",
        secret_token="tg-secret-contoh",
    )
    assert post(client, update({"text": "Halo"}), secret="tg-secret-contoh").status_code == 403
    assert post(client, update({"text": "Halo"}), region="kota-contoh").status_code == 403
    assert not Conversation.objects.exists()


def test_group_chats_edits_and_garbage_answer_200_and_store_nothing(client, telegram_tng):
    group = update({"text": "Halo"})
    group["message"]["chat"] = {"id": -100123, "type": "group", "title": "RT 05"}
    assert post(client, group).status_code == 200
    assert post(client, {"update_id": 7, "edited_message": {"text": "x"}}).status_code == 200
    assert post(client, b"not json").status_code == 200
    assert post(client, {"message": {}}).status_code == 200
    assert not InboundMessage.objects.exists()
