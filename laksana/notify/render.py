"""Turning an outbox row into the message a channel sends, in the recipient's language
(Indonesian by default, English when the citizen wrote in English)."""

from datetime import datetime

from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop, override

from laksana.complaints.models import Event, Status

from . import channels
from .channels import Message
from .models import Notification

CITIZEN_HEADLINES = {
    "submitted": gettext_lazy("Laporan Anda sudah kami terima."),
    "verified": gettext_lazy("Laporan Anda sudah diverifikasi."),
    "rejected": gettext_lazy("Laporan Anda tidak dapat kami proses."),
    "merged": gettext_lazy("Laporan Anda digabung dengan laporan lain tentang hal yang sama."),
    "acknowledged": gettext_lazy("Aspirasi Anda sudah dicatat."),
    "disposed": gettext_lazy("Laporan Anda diteruskan ke %(agency)s."),
    "forwarded": gettext_lazy("Laporan Anda diteruskan ke %(agency)s."),
    "accepted": gettext_lazy("%(agency)s menindaklanjuti laporan Anda."),
    "responded": gettext_lazy("Ada tanggapan dari %(agency)s."),
    "resolved": gettext_lazy("Laporan Anda selesai ditangani."),
    "closed": gettext_lazy("Laporan Anda ditutup."),
    "waiting": gettext_lazy("Kami membutuhkan keterangan tambahan dari Anda."),
    "attachment": gettext_lazy("Foto ditambahkan ke laporan Anda."),
}
# The complaints app's status names, listed so that this app's English catalogue translates them
# in messages (Django merges every app's catalogue).
STATUS_NAMES = [
    gettext_noop("Diterima"),
    gettext_noop("Diverifikasi"),
    gettext_noop("Diteruskan ke OPD"),
    gettext_noop("Ditindaklanjuti"),
    gettext_noop("Menunggu tanggapan pelapor"),
    gettext_noop("Selesai ditangani"),
    gettext_noop("Ditutup"),
    gettext_noop("Ditolak"),
    gettext_noop("Duplikat"),
    gettext_noop("Dicatat"),
]
STAFF_HEADLINES = {
    "disposed": gettext_lazy("Disposisi baru untuk %(agency)s"),
    "forwarded": gettext_lazy("Laporan diteruskan ke %(agency)s"),
    "overdue": gettext_lazy("Melewati batas waktu"),
    "escalated": gettext_lazy("Eskalasi tingkat %(level)s"),
}


def _when(iso: str | None, tz: str) -> str:
    return f"{datetime.fromisoformat(iso):%d-%m-%Y %H:%M} {tz}" if iso else ""


def _label(choices, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


# Channels a citizen may answer on (laksana/channels): a short text without an e-mail's greeting.
CHAT_CHANNELS = {"whatsapp", "telegram", "sms"}


def render(notification: Notification) -> Message:
    payload = notification.payload
    if payload.get("kind") == "reply":
        # A conversation's reply (laksana/channels): already worded, with its choices in `data`.
        return Message(
            key=str(notification.key),
            recipient=notification.recipient,
            subject="",
            body=payload["text"],
            data=payload,
            region_id=notification.region_id,
        )
    if payload.get("kind") == "push":
        # A staff alert on their phone (laksana/push): already worded when it was written.
        return Message(
            key=str(notification.key),
            recipient=notification.recipient,
            subject=payload.get("title", ""),
            body=payload.get("body", ""),
            data=payload,
            region_id=notification.region_id,
        )
    if notification.channel == "webhook":
        return Message(
            key=str(notification.key),
            recipient=notification.recipient,
            subject=payload.get("type", ""),
            body="",
            data=payload,
            secret=notification.endpoint.secret,
        )
    citizen = notification.audience == Notification.Audience.CITIZEN
    headlines = CITIZEN_HEADLINES if citizen else STAFF_HEADLINES
    with override(notification.language):
        values = {"agency": payload["agency"] or _("OPD"), **(payload.get("data") or {})}
        template = headlines.get(payload["type"])
        headline = str(template) % values if template else _label(Event.Type, payload["type"])
        context = {
            **payload,
            "headline": headline,
            "status": _label(Status, payload["status"]),
            "at": _when(payload["at"], payload["tz"]),
            "deadline": _when(payload["deadline"], payload["tz"]),
        }
        if citizen and notification.channel in CHAT_CHANNELS:
            template_name = "notify/chat.txt"
        else:
            template_name = "notify/citizen.txt" if citizen else "notify/staff.txt"
        body = render_to_string(template_name, context).strip()
        subject = f"[{payload['number']}] {headline}"
    return Message(
        key=str(notification.key),
        recipient=notification.recipient,
        subject=subject.rstrip("."),
        body=body + "\n",
        data=payload,
        region_id=notification.region_id,
        # A citizen's reply to an e-mail reaches the region's inbox (threaded by Message-ID).
        reply_to=channels.reply_address(notification.region_id)
        if citizen and notification.channel == "email"
        else "",
    )
