"""SMS end to end: the generic HTTP gateway's inbound webhook, the keyword format, long messages
in parts, and replies sent to a stand-in gateway running as a real HTTP server."""

from laksana.channels.models import Conversation, InboundMessage, SmsPart
from laksana.complaints.models import Complaint
from laksana.notify.models import Notification

PHONE = "+6281298765432"
ids = iter(range(1, 100_000))


def post(client, *, text, sender=PHONE, token="sms-inbound-tng", json=True, **extra):
    fields = {"id": extra.pop("id", f"gw-{next(ids)}"), "from": sender, "text": text, **extra}
    kwargs = {"headers": {"X-Laksana-Token": token}}
    if json:
        return client.post(
            "/channels/kota-tangerang/sms/", fields, content_type="application/json", **kwargs
        )
    return client.post("/channels/kota-tangerang/sms/", fields, **kwargs)


def replies(stand_in) -> list[str]:
    return [c["json"]["text"] for c in stand_in.sent("sms")]


def test_keyword_report_gets_the_tracking_number_by_sms(client, sms_tng, stand_in, deliver_outbox):
    response = post(client, text="LAPOR JALAN-RUSAK Sukarasa jalan berlubang dalam di depan SDN 3")
    assert response.status_code == 200
    assert deliver_outbox() == ["sent"]
    complaint = Complaint.objects.get()
    assert (complaint.channel, complaint.category.code, complaint.area.name) == (
        "sms",
        "JALAN-RUSAK",
        "Sukarasa",
    )
    assert complaint.description == "jalan berlubang dalam di depan SDN 3"
    assert complaint.reporter.phone == "081298765432"
    sent = stand_in.sent("sms")[-1]
    assert complaint.number in sent["json"]["text"]
    assert sent["json"]["to"] == PHONE and sent["json"]["from"] == "LAKSANA"
    assert sent["headers"]["Authorization"] == "Bearer sms-api-key-tng"
    assert sent["json"]["reference"]  # the outbox's delivery key

    post(client, text=f"status {complaint.number}", json=False)  # form-encoded works too
    deliver_outbox()
    assert "Diterima" in replies(stand_in)[-1]


def test_what_the_keyword_lacks_is_asked_for(client, sms_tng, stand_in, deliver_outbox):
    post(client, text="LAPOR tumpukan sampah di pinggir kali sudah seminggu")
    deliver_outbox()
    assert "kelurahan" in replies(stand_in)[-1]
    post(client, text="sukarasa")
    deliver_outbox()
    question = replies(stand_in)[-1]
    assert "Pilih kategori" in question and "foto" not in question.lower()  # SMS carries no photo
    assert question.splitlines()[1] == "1. Sampah tidak terangkut"  # suggested by its words
    post(client, text="1")
    deliver_outbox()
    complaint = Complaint.objects.get()
    assert complaint.number in replies(stand_in)[-1]
    assert complaint.category.code == "SAMPAH"


def test_a_long_message_in_parts_is_joined(client, sms_tng, stand_in, deliver_outbox):
    first = "LAPOR JALAN-RUSAK Sukarasa jalan berlubang dalam di depan SDN 3 sudah dua minggu, "
    second = "motor sering jatuh di malam hari karena lampu jalan juga mati."
    post(client, text=second, ref="A7", part=2, parts=2)
    assert not Complaint.objects.exists() and SmsPart.objects.count() == 1
    post(client, text=second, ref="A7", part=2, parts=2)  # the gateway repeats a part
    post(client, text=first, ref="A7", part=1, parts=2)
    complaint = Complaint.objects.get()
    assert complaint.description.endswith("lampu jalan juga mati.")
    assert "dua minggu, motor" in complaint.description
    assert not SmsPart.objects.exists()
    post(client, text=first, ref="A7", part=1, parts=2)  # a late retry of a part taken in
    assert Complaint.objects.count() == 1 and not SmsPart.objects.exists()


def test_the_same_gateway_message_twice_creates_one_complaint(client, sms_tng):
    text = "LAPOR JALAN-RUSAK Sukarasa jalan berlubang dalam di depan SDN 3"
    post(client, text=text, id="gw-same")
    post(client, text=text, id="gw-same")
    assert Complaint.objects.count() == 1 and InboundMessage.objects.count() == 1


def test_a_wrong_token_is_refused_and_nothing_stored(client, sms_tng, contoh):
    from laksana.channels.models import ChannelSettings

    ChannelSettings.objects.create(
        region=contoh, provider="sms", enabled=True, secret_token="sms-inbound-contoh"
    )
    assert (
        post(client, text="LAPOR apa saja di sini", token="sms-inbound-contoh").status_code == 403
    )
    assert post(client, text="LAPOR apa saja di sini", token="").status_code == 403
    assert not InboundMessage.objects.exists() and not Conversation.objects.exists()


def test_malformed_inbound_is_refused_and_stored_nowhere(client, sms_tng):
    assert post(client, text="Halo", sender="bukan-nomor").status_code == 400
    assert post(client, text="Halo", part=3, parts=2, ref="x").status_code == 400
    assert not InboundMessage.objects.exists() and not Notification.objects.exists()


def test_berhenti_stops_the_complaints_updates_too(
    client, sms_tng, stand_in, deliver_outbox, operator
):
    from laksana.complaints import services as complaints

    post(client, text="LAPOR JALAN-RUSAK Sukarasa jalan berlubang dalam di depan SDN 3")
    post(client, text="BERHENTI")
    deliver_outbox()
    complaints.verify(staff=operator, complaint=Complaint.objects.get())
    assert not Notification.objects.filter(event__isnull=False).exists()
