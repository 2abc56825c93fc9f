"""WhatsApp's customer-service window and the message templates sent outside it.

The Cloud API takes free-form messages ("text", "interactive") only within 24 hours of the
citizen's last message to the business; outside that window it takes approved *templates* only
and refuses anything else with error 131047 ("Re-engagement message"). Updates of a report often
come days later, so the outbound adapter (transport.WhatsAppChannel) asks `in_window` first: the
text it always sent within the window, else the template of the update's kind, with the tracking
number and the short status (and, for a question or a response from staff, its text) as the body's
parameters. A text the provider still refuses with 131047 (its clock and ours differ by the time a
webhook takes) is sent again as the template in the same attempt; one it took and then reported
failed with 131047 (a `failed` status on the webhook, views.py) goes again as the template, once
(`undelivered`).

A region gets each template below approved by Meta (category "Utility", language Indonesian
`id`) under these names, or under names of its own given in the channel settings
(`whatsapp_templates`: {kind: name}); a renamed template keeps the same variables. (Meta
refuses a template whose body starts or ends with a variable: every body here has text around.)
"""

import re
from datetime import timedelta

from django.utils.translation import gettext as _
from django.utils.translation import override

from laksana.common import clock
from laksana.complaints.models import Status
from laksana.notify.channels import Message, PermanentError

from .models import ChannelSettings, Conversation, Provider
from .services import sender_hash

WINDOW = timedelta(hours=24)
# Our clock hears of a message a little after Meta does: within this margin of the window's end
# the template is sent straight away rather than a text Meta would refuse.
WINDOW_MARGIN = timedelta(minutes=5)
RE_ENGAGEMENT = 131047
LANGUAGE = "id"
FALLBACK = "*"  # the kind of every update without a template of its own
TEXT_LIMIT = 500  # characters of staff's text in a parameter (a template body holds 1024)

# name -> (number of variables, body as submitted to Meta)
TEMPLATES = {
    "laksana_laporan_diterima": (
        2,
        "Laporan Anda sudah kami terima dengan nomor {{1}} (status: {{2}}). Ketik status "
        "diikuti nomor laporan untuk melihat perkembangannya.",
    ),
    "laksana_laporan_diverifikasi": (
        2,
        "Laporan {{1}} sudah diverifikasi petugas (status: {{2}}). Kami kabari lagi bila ada "
        "perkembangan.",
    ),
    "laksana_laporan_diteruskan": (
        2,
        "Laporan {{1}} sudah diteruskan ke OPD yang berwenang (status: {{2}}). Kami kabari lagi "
        "bila ada perkembangan.",
    ),
    "laksana_laporan_ditindaklanjuti": (
        2,
        "Laporan {{1}} sedang ditindaklanjuti OPD (status: {{2}}). Kami kabari lagi bila ada "
        "perkembangan.",
    ),
    "laksana_tanggapan_petugas": (
        3,
        "Ada tanggapan untuk laporan {{1}} (status: {{2}}): {{3}} Balas pesan ini bila ada "
        "yang ingin Anda sampaikan.",
    ),
    "laksana_pertanyaan_petugas": (
        3,
        "Petugas membutuhkan keterangan tambahan untuk laporan {{1}} (status: {{2}}): {{3}} "
        "Balas pesan ini dengan keterangan yang diminta.",
    ),
    "laksana_laporan_selesai": (
        2,
        "Laporan {{1}} selesai ditangani (status: {{2}}). Bila masalahnya belum selesai, buka "
        "kembali laporan melalui tautan pelacakan Anda.",
    ),
    "laksana_laporan_ditutup": (
        2,
        "Laporan {{1}} sudah ditutup (status: {{2}}). Terima kasih telah melapor.",
    ),
    "laksana_laporan_ditolak": (
        2,
        "Laporan {{1}} tidak dapat kami proses (status: {{2}}). Alasannya ada di tautan "
        "pelacakan laporan Anda.",
    ),
    "laksana_pembaruan_laporan": (
        2,
        "Ada kabar baru tentang laporan {{1}} (status: {{2}}). Ketik status diikuti nomor "
        "laporan untuk melihat perkembangannya.",
    ),
}
DEFAULT_TEMPLATES = {
    "submitted": "laksana_laporan_diterima",
    "verified": "laksana_laporan_diverifikasi",
    "disposed": "laksana_laporan_diteruskan",
    "forwarded": "laksana_laporan_diteruskan",
    "accepted": "laksana_laporan_ditindaklanjuti",
    "responded": "laksana_tanggapan_petugas",
    "waiting": "laksana_pertanyaan_petugas",
    "resolved": "laksana_laporan_selesai",
    "closed": "laksana_laporan_ditutup",
    "rejected": "laksana_laporan_ditolak",
    FALLBACK: "laksana_pembaruan_laporan",
}
# Kinds whose template carries staff's text as {{3}}: without it the citizen could not answer.
WITH_TEXT = {"responded", "waiting"}
NAME = re.compile(r"^[a-z0-9_]{1,512}$")  # what Meta accepts as a template name


def in_window(account: ChannelSettings, recipient: str) -> bool:
    """Whether the citizen wrote to this region's number within the last 24 hours."""
    last = (
        Conversation.objects.filter(
            region_id=account.region_id,
            provider=Provider.WHATSAPP,
            sender_hash=sender_hash(Provider.WHATSAPP, recipient),
        )
        .values_list("last_inbound_at", flat=True)
        .first()
    )
    return last is not None and last > clock.now() - WINDOW + WINDOW_MARGIN


def template_name(account: ChannelSettings, kind: str) -> str:
    """The region's name for the kind's template (its own, else the default)."""
    own = account.whatsapp_templates if isinstance(account.whatsapp_templates, dict) else {}
    default = DEFAULT_TEMPLATES.get(kind, DEFAULT_TEMPLATES[FALLBACK])
    return own.get(kind) or (own.get(FALLBACK) if kind not in DEFAULT_TEMPLATES else "") or default


def check_names(names: dict) -> list[str]:
    """What is wrong with a region's {kind: name} (the admin form shows it)."""
    if not isinstance(names, dict):
        return [_('Isikan objek JSON {"jenis": "nama_template"}.')]
    problems = []
    for kind, name in names.items():
        if kind not in DEFAULT_TEMPLATES:
            problems.append(
                _("Jenis kabar tidak dikenal: %(kind)s (yang ada: %(known)s).")
                % {"kind": str(kind)[:40], "known": ", ".join(sorted(DEFAULT_TEMPLATES))}
            )
        elif not isinstance(name, str) or not NAME.match(name):
            problems.append(
                _("Nama template untuk %(kind)s hanya boleh huruf kecil, angka dan garis bawah.")
                % {"kind": kind}
            )
    return problems


def _parameter(text: str, limit: int) -> str:
    """A body parameter as Meta takes it: no new lines or tabs, no run of more than four spaces."""
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def template_body(account: ChannelSettings, message: Message) -> dict:
    """The /messages request of the template for this update. A conversation's own reply has no
    template: it answers a message more than 24 hours old, and the citizen's next message gets a
    fresh one."""
    data = message.data or {}
    kind = str(data.get("type") or "")
    if data.get("kind") == "reply" or not data.get("number"):
        raise PermanentError(
            "outside WhatsApp's 24-hour window: a conversation reply cannot be sent as a template"
        )
    with override(LANGUAGE):
        try:
            status = str(Status(data.get("status")).label)
        except ValueError:
            status = str(data.get("status") or "")
    parameters = [_parameter(data["number"], 60), _parameter(status, 60)]
    if kind in WITH_TEXT:
        parameters.append(_parameter(data.get("text") or "-", TEXT_LIMIT))
    return {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": message.recipient,
        "type": "template",
        "template": {
            "name": template_name(account, kind),
            "language": {"code": LANGUAGE},
            "components": [
                {
                    "type": "body",
                    "parameters": [{"type": "text", "text": p} for p in parameters],
                }
            ],
        },
    }


def undelivered(region_id: int, wamid: str, code: int | None, title: str = "") -> str:
    """Meta's status webhook said a message we sent failed. For 131047 (outside the window: the
    API took the text, then refused to deliver it) the update goes again as its template, once;
    returns what was done, for the log."""
    from django.db import transaction

    from laksana.notify import delivery
    from laksana.notify import tasks as notify_tasks
    from laksana.notify.models import Notification

    if code != RE_ENGAGEMENT or not wamid:
        return "ignored"
    # Its receipt names the message id (the newest rows first: the report follows the send).
    row = (
        Notification.objects.filter(
            region_id=region_id,
            channel=Provider.WHATSAPP,
            status=Notification.Status.SENT,
            receipt__contains=wamid,
        )
        .order_by("-id")
        .first()
    )
    if row is None or (row.payload or {}).get("template") or row.payload.get("kind") == "reply":
        return "nothing to resend"  # unknown, sent as a template already, or a reply
    why = f"WhatsApp {code}: {title or 'Re-engagement message'}; sent again as a template"
    if not delivery.redeliver(row.pk, why=why, payload={**row.payload, "template": True}):
        return "taken"
    transaction.on_commit(lambda: notify_tasks.queue([row.pk]), robust=True)
    return "resent as template"
