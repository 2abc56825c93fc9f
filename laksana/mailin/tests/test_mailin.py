"""E-mail in, against a real IMAP server started by the test (pymap's in-memory backend): new
mail becomes a report, a reply to a notification the citizen's answer, threaded by header."""

import imaplib
import socket
import subprocess
import sys
import time
from datetime import timedelta
from email.message import EmailMessage
from email.utils import make_msgid

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from laksana.agencies.models import Category
from laksana.complaints import services as complaints
from laksana.complaints.models import Complaint, Event
from laksana.complaints.tests.images import jpeg_bytes
from laksana.mailin import services
from laksana.mailin.models import InboundMail, Mailbox
from laksana.notify import delivery
from laksana.notify.models import Notification

pytestmark = pytest.mark.django_db
USER, PASSWORD = "pengaduan", "rahasia-imap"
CITIZEN = "siti.aminah@example.org"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def imap_server():
    port = _free_port()
    pymap = [sys.executable, "-c", "from pymap.main import main; main()"]
    args = ["--host", "127.0.0.1", "--port", str(port), "--no-tls", "dict"]
    process = subprocess.Popen(
        [*pymap, *args, "--demo-user", USER, "--demo-password", PASSWORD],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if process.poll() is not None:
                pytest.fail(f"pymap exited: {process.stderr.read().decode()[-2000:]}")
            time.sleep(0.2)
    else:
        process.kill()
        pytest.fail("pymap did not listen within 60 s")
    yield port
    process.terminate()
    process.wait(10)


@pytest.fixture
def inbox(imap_server, tangerang):
    box = Mailbox.objects.create(
        region=tangerang,
        address="pengaduan@tangerangkota.go.id",
        host="127.0.0.1",
        port=imap_server,
        use_ssl=False,
        username=USER,
        password=PASSWORD,
    )
    yield box
    box.password = PASSWORD
    services.poll(box)  # the server lives for the module: leave no unseen mail to the next test


def _append(port: int, message: EmailMessage) -> None:
    client = imaplib.IMAP4("127.0.0.1", port)
    client.login(USER, PASSWORD)
    client.append("INBOX", None, imaplib.Time2Internaldate(time.time()), message.as_bytes())
    client.logout()


def _mail(subject: str, body: str, *, sender=CITIZEN, photo: bool = False, **headers):
    message = EmailMessage()
    message["From"] = f"Siti Aminah <{sender}>"
    message["To"] = "pengaduan@tangerangkota.go.id"
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain="example.org")
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    if photo:
        message.add_attachment(
            jpeg_bytes(gps=True), maintype="image", subtype="jpeg", filename="jalan.jpg"
        )
    return message


def test_a_new_mail_naming_its_kelurahan_becomes_a_report_with_its_photo_once(
    inbox, imap_server, media_root
):
    message = _mail(
        "Jalan berlubang",
        "Jalan di depan SDN 3 Kelurahan Sukarasa berlubang dalam, sudah dua minggu.",
        photo=True,
    )
    _append(imap_server, message)
    assert services.poll(inbox) == {"report": 1}
    complaint = Complaint.objects.get(channel="email")
    assert complaint.area.name == "Sukarasa" and complaint.reporter.email == CITIZEN
    assert complaint.reporter.name == "Siti Aminah"
    assert complaint.description.startswith("Jalan berlubang\n\nJalan di depan SDN 3")
    assert complaint.attachments.count() == 1
    # The confirmation with the tracking number goes out through the outbox, to the sender, and
    # their reply to it comes back to this inbox.
    confirmation = Notification.objects.get(complaint=complaint, recipient=CITIZEN)
    assert delivery.deliver(confirmation.pk) == "sent"
    (sent,) = mail.outbox
    assert sent.reply_to == ["pengaduan@tangerangkota.go.id"] and complaint.number in sent.body
    assert services.poll(inbox) == {}  # flagged seen: not read again
    assert services.handle(inbox, message.as_bytes()).state == "seen"  # nor handled twice
    assert Complaint.objects.count() == 1


def test_without_a_place_we_ask_and_the_threaded_answer_completes_the_report(
    inbox, imap_server, media_root
):
    first = _mail("Sampah", "Sampah menumpuk di pinggir kali sudah seminggu.", photo=True)
    _append(imap_server, first)
    assert services.poll(inbox) == {"asked": 1}
    assert not Complaint.objects.exists()
    (question,) = mail.outbox
    assert question.to == [CITIZEN] and "kelurahan" in question.body
    assert question.extra_headers["Auto-Submitted"] == "auto-replied"
    asked_id = question.extra_headers["Message-ID"]
    # A reply that does not quote our question (another thread) is a new report, not the answer.
    answer = _mail(
        "Re: Di kelurahan mana? Sampah",
        "Di Kelurahan Sukarasa, Kecamatan Tangerang.\n\n> Terima kasih atas laporan Anda",
        In_Reply_To=asked_id,
        References=f"{first['Message-ID']} {asked_id}",
    )
    _append(imap_server, answer)
    assert services.poll(inbox) == {"report": 1}
    complaint = Complaint.objects.get()
    assert complaint.area.name == "Sukarasa" and complaint.channel == "email"
    assert "Sampah menumpuk di pinggir kali" in complaint.description
    assert complaint.attachments.count() == 1  # the photo of the first mail
    kept = InboundMail.objects.get(message_id=first["Message-ID"].strip("<>"))
    assert kept.state == "report" and kept.text == "" and kept.photos == []


def test_a_forged_question_id_or_another_sender_does_not_complete_anyones_report(inbox):
    services.handle(inbox, _mail("Sampah", "Sampah menumpuk di pinggir kali.").as_bytes())
    asked = InboundMail.objects.get(state="asked")
    forged = _mail(
        "Re", "Kelurahan Sukarasa", In_Reply_To=f"<mailin-ask-{asked.pk}.0000000000000000@laksana>"
    )
    other = _mail(
        "Re",
        "Kelurahan Sukarasa",
        sender="orang.lain@example.org",
        In_Reply_To=f"<{services._ask_id(asked.pk)}>",
    )
    for message in (forged, other):
        services.handle(inbox, message.as_bytes())
    asked.refresh_from_db()
    assert asked.state == "asked" and asked.complaint is None
    # Each stray message naming a kelurahan is its own new report by its own sender.
    assert sorted(Complaint.objects.values_list("reporter__email", flat=True)) == [
        "orang.lain@example.org",
        CITIZEN,
    ]


def test_a_reply_to_a_notification_answers_the_staff_question(inbox, operator, pupr, submit):
    complaint, _token = submit(email=CITIZEN)
    complaint = complaints.dispose(
        staff=operator, complaint=complaints.verify(staff=operator, complaint=complaint)
    )
    complaint = complaints.accept(staff=pupr, complaint=complaint)
    complaints.ask_reporter(staff=pupr, complaint=complaint, question="Nomor rumah berapa?")
    notice = Notification.objects.filter(complaint=complaint, recipient=CITIZEN).latest("id")
    stranger = _mail(
        "Re: pertanyaan",
        "Nomor 12.",
        sender="orang.lain@example.org",
        In_Reply_To=f"<{notice.key}@laksana>",
    )
    assert services.handle(inbox, stranger.as_bytes()).reason == "reply not from the reporter"
    reply = _mail(
        "Re: pertanyaan",
        "Rumah nomor 12, pagar hijau.\n\nPada Senin, Laksana menulis:\n> Nomor rumah berapa?",
        In_Reply_To=f"<{notice.key}@laksana>",
    )
    outcome = services.handle(inbox, reply.as_bytes())
    complaint.refresh_from_db()
    assert outcome.state == "answer" and complaint.status == "in_progress"
    answered = Event.objects.get(complaint=complaint, type="answered")
    assert answered.text == "Rumah nomor 12, pagar hijau."
    # Once answered, a further reply is a message kept on it; the complaint stays as it is.
    again = _mail("Re: pertanyaan", "Tambahan.", In_Reply_To=f"<{notice.key}@laksana>")
    assert services.handle(inbox, again.as_bytes()).state == "message"
    assert complaint.number in mail.outbox[-1].body
    assert Event.objects.filter(complaint=complaint, type="answered").count() == 1
    complaint.refresh_from_db()
    assert complaint.status == "in_progress"


def test_another_regions_notification_key_is_not_a_thread_here(
    inbox, contoh, other_operator, tangerang
):
    elsewhere = complaints.submit(
        region=contoh,
        category_code=Category.objects.filter(region=contoh).first().code,
        description="Lampu jalan mati sejak tiga hari di depan masjid.",
        area_code=contoh.areas.filter(level="kelurahan").first().code,
        email=CITIZEN,
    ).complaint
    notice = Notification.objects.filter(complaint=elsewhere).first()
    reply = _mail("Re", "Jawaban saya.", In_Reply_To=f"<{notice.key}@laksana>")
    assert services.handle(inbox, reply.as_bytes()).reason == "reply not from the reporter"
    assert not Event.objects.filter(complaint=elsewhere, type="answered").exists()


def test_automatic_mail_is_never_answered(inbox):
    for headers in ({"Auto_Submitted": "auto-replied"}, {"Precedence": "bulk"}):
        message = _mail("Out of office", "Saya sedang cuti sampai Senin.", **headers)
        assert services.handle(inbox, message.as_bytes()).state == "ignored"
    bounce = _mail("Undelivered", "Delivery failed.", sender="MAILER-DAEMON@example.org")
    assert services.handle(inbox, bounce.as_bytes()).state == "ignored"
    assert mail.outbox == [] and not Complaint.objects.exists()


def test_a_question_unanswered_for_a_day_expires_without_a_complaint(inbox):
    services.handle(inbox, _mail("Sampah", "Sampah menumpuk di pinggir kali.").as_bytes())
    InboundMail.objects.update(received_at=timezone.now() - timedelta(hours=25))
    assert services.expire_questions() == 1
    assert InboundMail.objects.get().state == "expired" and InboundMail.objects.get().text == ""
    assert not Complaint.objects.exists()


def test_a_refused_login_is_kept_for_the_admin_and_raises_nothing(inbox):
    inbox.password = "salah"
    inbox.save()
    assert services.poll(inbox) == {"error": 1}
    inbox.refresh_from_db()
    assert inbox.last_error and inbox.last_polled_at


def _in_progress(submit, operator, pupr):
    complaint, _token = submit(email=CITIZEN)
    complaint = complaints.dispose(
        staff=operator, complaint=complaints.verify(staff=operator, complaint=complaint)
    )
    return complaints.accept(staff=pupr, complaint=complaint)


def _resolved(submit, operator, pupr):
    complaint = _in_progress(submit, operator, pupr)
    complaints.add_photo(
        complaint=complaint,
        actor=pupr,
        purpose="evidence",
        upload=SimpleUploadedFile("bukti.jpg", jpeg_bytes()),
    )
    return complaints.resolve(staff=pupr, complaint=complaint, response="Sudah ditambal.")


def _reply_to_latest(complaint, body: str, **kwargs) -> EmailMessage:
    notice = Notification.objects.filter(complaint=complaint, recipient=CITIZEN).latest("id")
    return _mail("Re: kabar laporan", body, In_Reply_To=f"<{notice.key}@laksana>", **kwargs)


def test_a_reply_while_nothing_is_asked_is_kept_with_its_photo_shown_to_staff_and_acknowledged(
    inbox, imap_server, submit, operator, pupr, other_operator, client, media_root
):
    complaint = _in_progress(submit, operator, pupr)
    version = complaint.version
    reply = _reply_to_latest(
        complaint,
        "Lubangnya makin lebar, kemarin ada motor jatuh.\n\n> Laporan Anda diteruskan",
        photo=True,
    )
    _append(imap_server, reply)
    assert services.poll(inbox) == {"message": 1}
    complaint.refresh_from_db()
    assert complaint.status == "in_progress" and complaint.version > version
    message = Event.objects.get(complaint=complaint, type="message")
    assert message.text == "Lubangnya makin lebar, kemarin ada motor jatuh."  # quote cut
    assert not message.is_public and message.actor_label == "Pelapor"
    assert message.data == {"channel": "email"}
    photo = complaint.attachments.get(purpose="report")
    assert photo.uploaded_by is None  # the citizen's, re-encoded like any other
    kept = InboundMail.objects.get(message_id=reply["Message-ID"].strip("<>"))
    assert (kept.state, kept.complaint_id) == ("message", complaint.pk)
    # Acknowledged by reply in the same thread.
    (ack,) = [m for m in mail.outbox if m.to == [CITIZEN] and "Pesan Anda" in m.body]
    assert complaint.number in ack.body and "1 foto Anda ditambahkan" in ack.body
    assert ack.extra_headers["In-Reply-To"] == reply["Message-ID"]
    assert ack.extra_headers["Auto-Submitted"] == "auto-replied"
    # Read once: neither the inbox nor the same message again adds anything.
    assert services.poll(inbox) == {}
    assert services.handle(inbox, reply.as_bytes()).state == "seen"
    assert Event.objects.filter(complaint=complaint, type="message").count() == 1
    assert complaint.attachments.count() == 1
    # Staff read it on the console's complaint page; another region's staff see nothing.
    page = f"/kota-tangerang/console/laporan/{complaint.number}/"
    client.force_login(operator.user)
    html = client.get(page).content.decode()
    assert "Pesan dari pelapor" in html and "kemarin ada motor jatuh" in html
    client.force_login(other_operator.user)
    assert client.get(page).status_code in (403, 404)
    html = client.get(f"/kota-contoh/console/laporan/{complaint.number}/").content.decode()
    assert "kemarin ada motor jatuh" not in html


def test_a_reply_to_a_resolved_complaint_is_kept_and_told_how_to_reopen(
    inbox, submit, operator, pupr
):
    complaint = _resolved(submit, operator, pupr)
    outcome = services.handle(
        inbox, _reply_to_latest(complaint, "Belum beres, masih bocor.").as_bytes()
    )
    assert outcome.state == "message"
    complaint.refresh_from_db()
    assert complaint.status == "resolved"  # reopened only the way the portal reopens
    assert Event.objects.filter(
        complaint=complaint, type="message", text="Belum beres, masih bocor."
    )
    body = mail.outbox[-1].body
    assert "Buka kembali laporan" in body and "sampai" in body
    assert "/kota-tangerang/lacak/" in body


def test_a_reply_to_a_closed_complaint_is_kept_and_told_to_report_again(
    inbox, submit, operator, pupr
):
    complaint = complaints.close(actor=operator, complaint=_resolved(submit, operator, pupr))
    reply = _reply_to_latest(complaint, "Lubangnya muncul lagi di tempat yang sama.")
    assert services.handle(inbox, reply.as_bytes()).state == "message"
    complaint.refresh_from_db()
    assert complaint.status == "closed"
    assert Event.objects.filter(complaint=complaint, type="message").count() == 1
    body = mail.outbox[-1].body
    assert "tidak dapat dibuka kembali" in body and "/kota-tangerang/lapor/" in body
    # An empty reply (nothing written, nothing attached) keeps nothing.
    empty = _reply_to_latest(complaint, "\n> Laporan Anda ditutup.")
    assert services.handle(inbox, empty.as_bytes()).reason == "empty message"
    assert Event.objects.filter(complaint=complaint, type="message").count() == 1
