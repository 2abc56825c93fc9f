"""Statuses and durations in plain words, for people who have never heard of a disposition."""

from datetime import timedelta

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

EXPLAINED = {
    "submitted": gettext_lazy(
        "Laporan Anda sudah kami terima. Petugas ruang kendali akan memeriksanya lebih dulu."
    ),
    "verified": gettext_lazy(
        "Laporan Anda sudah diperiksa dan akan diteruskan ke instansi yang berwenang."
    ),
    "dispatched": gettext_lazy(
        "Laporan Anda sudah diteruskan ke %(agency)s dan menunggu ditangani."
    ),
    "in_progress": gettext_lazy("%(agency)s sedang menangani laporan Anda."),
    "waiting": gettext_lazy(
        "Petugas membutuhkan keterangan tambahan dari Anda. Jawab pertanyaannya di bawah ini."
    ),
    "resolved": gettext_lazy(
        "%(agency)s menyatakan masalahnya sudah ditangani. Beri nilai, atau buka kembali laporan "
        "bila masalahnya belum selesai."
    ),
    "closed": gettext_lazy("Laporan ini sudah selesai dan ditutup."),
    "rejected": gettext_lazy(
        "Laporan ini tidak dapat diproses. Alasannya tertulis di riwayat di bawah."
    ),
    "duplicate": gettext_lazy(
        "Masalah yang sama sudah dilaporkan orang lain; penanganannya diikuti di laporan tersebut."
    ),
    "noted": gettext_lazy("Aspirasi Anda sudah dicatat oleh pemerintah daerah. Terima kasih."),
}


def explain(status: str, agency: str | None) -> str:
    return str(EXPLAINED.get(status, "")) % {"agency": agency or _("Instansi yang berwenang")}


def duration(value: timedelta | None) -> str:
    """A resolution time a person reads at a glance: hours under two days, else days."""
    if value is None:
        return "–"
    hours = value.total_seconds() / 3600
    if hours < 48:
        n = max(1, round(hours))
        return ngettext("%(n)d jam", "%(n)d jam", n) % {"n": n}
    n = round(hours / 24)
    return ngettext("%(n)d hari", "%(n)d hari", n) % {"n": n}
