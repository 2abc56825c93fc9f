"""Built-in texts offered until a region writes its own."""

from django.utils.translation import gettext_lazy as _

DEFAULT_REJECTION_REASONS = [
    (
        _("Kurang jelas"),
        _(
            "Laporan belum dapat kami proses karena keterangannya kurang jelas. Silakan kirim "
            "laporan baru dengan lokasi dan uraian masalah yang lebih rinci."
        ),
    ),
    (
        _("Di luar wilayah"),
        _("Lokasi yang dilaporkan berada di luar wilayah kami, sehingga tidak dapat kami tangani."),
    ),
    (
        _("Bukan pengaduan"),
        _(
            "Pesan ini bukan pengaduan layanan publik. Untuk pertanyaan umum silakan hubungi "
            "layanan informasi kami."
        ),
    ),
    (
        _("Mengandung SARA atau hinaan"),
        _("Laporan tidak dapat diterima karena mengandung unsur SARA, hinaan, atau ancaman."),
    ),
]
