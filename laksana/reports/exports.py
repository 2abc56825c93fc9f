"""Exports: every report and the console list as CSV (streamed) or XLSX, the monthly report as PDF
or XLSX, the public open-data CSV.

No personal data in any export: no reporter, contact, description or address, only numbers,
codes and the staff's classification. So nothing here needs the audited contact view.
"""

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.http import HttpResponse, QueryDict, StreamingHttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from laksana.agencies.models import Agency
from laksana.agencies.services import Staff
from laksana.common.timefmt import local_iso
from laksana.console import search
from laksana.regions.models import Region

from . import services
from .models import FIELD_DURATIONS
from .periods import Period
from .services import STAGE_LABELS, Scope

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


@dataclass
class Table:
    title: str
    columns: list[str]
    rows: Iterable[list]  # may be a generator (the console list is read in batches)


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_lines(table: Table) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff"  # so spreadsheet programs read UTF-8
    yield writer.writerow(table.columns)
    for row in table.rows:
        yield writer.writerow(row)


def xlsx_bytes(tables: list[Table]) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    for table in tables:
        sheet = book.create_sheet(title=table.title[:31])
        sheet.append(table.columns)
        for row in table.rows:
            sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def respond(table: Table, fmt: str, name: str) -> HttpResponse:
    if fmt == "csv":
        response = StreamingHttpResponse(_csv_lines(table), content_type=CONTENT_TYPES["csv"])
    else:
        response = HttpResponse(xlsx_bytes([table]), content_type=CONTENT_TYPES["xlsx"])
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


# ---------------------------------------------------------------------------------------------
# Report tables


def performance_table(scope: Scope, period: Period) -> Table:
    stages = [str(label) for label in STAGE_LABELS.values()]
    columns = [
        pgettext("laporan", "OPD"),
        _("Kode"),
        pgettext("laporan", "Masuk"),
        _("Diverifikasi"),
        _("Disposisi diterima"),
        _("Diterima OPD"),
        pgettext("laporan", "Selesai"),
        _("Terbuka kini"),
        _("Lewat batas kini"),
        _("Dikembalikan"),
        _("Diteruskan"),
        _("Dibuka kembali"),
        _("Median konfirmasi (menit kerja)"),
        _("P90 konfirmasi (menit kerja)"),
        _("Median tanggapan pertama (menit kerja)"),
        _("P90 tanggapan pertama (menit kerja)"),
        _("Median penyelesaian (menit kerja)"),
        _("P90 penyelesaian (menit kerja)"),
        _("Median waktu mulai lapangan (menit kerja)"),
        _("P90 waktu mulai lapangan (menit kerja)"),
        _("Median perjalanan (menit kerja)"),
        _("P90 perjalanan (menit kerja)"),
        _("Median di lokasi (menit kerja)"),
        _("P90 di lokasi (menit kerja)"),
        *[_("Tepat waktu: %(stage)s") % {"stage": s} for s in stages],
        _("Jumlah penilaian"),
        _("Rata-rata penilaian"),
    ]

    def rows():
        for row in services.agency_performance(scope, period):
            f = row.figures
            yield [
                row.name,
                row.code,
                f["received"],
                f["verified"],
                f["disposed"],
                f["accepted"],
                f["resolved"],
                row.open_now,
                row.overdue_now,
                f["returned"],
                f["forwarded"],
                f["reopened"],
                f.median("ack_minutes"),
                f.p90("ack_minutes"),
                f.median("response_minutes"),
                f.p90("response_minutes"),
                f.median("resolve_minutes"),
                f.p90("resolve_minutes"),
                *[g(name) for name in FIELD_DURATIONS for g in (f.median, f.p90)],
                *[_round(f.within_share(s)) for s in STAGE_LABELS],
                f["ratings"],
                _round(f.rating),
            ]

    return Table(_("Kinerja OPD"), [str(c) for c in columns], rows())


def _round(value: float | None):
    return None if value is None else round(value, 3)


def trends_table(scope: Scope, period: Period) -> Table:
    columns = [
        _("Dimensi"),
        _("Kode"),
        _("Nama"),
        pgettext("laporan", "Masuk"),
        pgettext("laporan", "Selesai"),
        _("Masuk periode sebelumnya"),
        _("Masuk periode sama tahun lalu"),
    ]

    def rows():
        for dimension, label in services.DIMENSIONS.items():
            for row in services.breakdown(scope, period, dimension):
                yield [
                    str(label),
                    row.key,
                    row.label,
                    row.counts["received"],
                    row.counts["resolved"],
                    row.previous,
                    row.year_before,
                ]

    return Table(_("Tren"), [str(c) for c in columns], rows())


def series_table(scope: Scope, period: Period, by: str = "week") -> Table:
    columns = [_("Mulai"), pgettext("laporan", "Masuk"), pgettext("laporan", "Selesai")]
    rows = [
        [d.isoformat(), v["received"], v["resolved"]]
        for d, v in services.trend(scope, period, by=by)
    ]
    return Table(
        _("Per minggu") if by == "week" else _("Per bulan"), [str(c) for c in columns], rows
    )


REPORTS = {"kinerja": performance_table, "tren": trends_table, "daftar": None}


LIST_BATCH = 2000


def complaint_list(staff: Staff, query: QueryDict) -> Table:
    """The console list with the same filters, every row, without personal data. A search by
    reporter is personal data itself (it is logged on the list), so an export refuses it."""
    if query.get("reporter"):
        from laksana.common.errors import ValidationFailed

        raise ValidationFailed(
            _("Ekspor tidak dapat memakai pencarian pelapor (data pribadi)."),
            fields={"reporter": ""},
        )
    filters = search.Filters.from_query(query)
    region = staff.region
    columns = [
        _("Nomor"),
        pgettext("laporan", "Diterima"),
        _("Jenis"),
        _("Status"),
        _("Kategori"),
        pgettext("laporan", "OPD"),
        _("Kecamatan"),
        _("Kelurahan"),
        _("Saluran"),
        _("Prioritas"),
        _("Tahap batas waktu"),
        _("Batas waktu"),
        _("Lewat batas"),
        pgettext("laporan", "Selesai"),
        _("Ditutup"),
        _("Penilaian"),
    ]
    qs = (
        search.filtered(staff, filters)
        .select_related("category", "agency", "area", "area__parent")
        .defer(*search.HEAVY, "description", "address", "attributes")
    )

    def rows():
        last = None
        ordered = qs.order_by("submitted_at", "id")
        while True:
            batch = ordered
            if last is not None:
                from django.db.models import Q

                batch = ordered.filter(
                    Q(submitted_at__gt=last[0]) | Q(submitted_at=last[0], id__gt=last[1])
                )
            batch = list(batch[:LIST_BATCH])
            for c in batch:
                area = c.area
                yield [
                    c.number,
                    local_iso(c.submitted_at, region),
                    c.get_kind_display(),
                    c.get_status_display(),
                    c.category.name,
                    c.agency.short_name if c.agency else "",
                    area.parent.name if area and area.parent else "",
                    area.name if area else "",
                    c.get_channel_display(),
                    c.get_priority_display(),
                    c.deadline_stage,
                    local_iso(c.next_deadline, region) or "",
                    c.overdue_level,
                    local_iso(c.resolved_at, region) or "",
                    local_iso(c.closed_at, region) or "",
                    c.rating or "",
                ]
            if len(batch) < LIST_BATCH:
                return
            last = (batch[-1].submitted_at, batch[-1].id)

    return Table(_("Daftar laporan"), [str(c) for c in columns], rows())


def public_table(region: Region, period: Period) -> Table:
    """Open data: published complaints per category and kecamatan (no personal data)."""
    scope = Scope.public(region)
    columns = [
        "dimensi",
        "kode",
        "nama",
        "masuk",
        "selesai",
        "periode_mulai",
        "periode_akhir",
    ]

    def rows():
        for dimension in ("category", "kecamatan", "channel", "kind"):
            for row in services.breakdown(scope, period, dimension):
                yield [
                    dimension,
                    row.key,
                    row.label,
                    row.counts["received"],
                    row.counts["resolved"],
                    period.first.isoformat(),
                    period.last.isoformat(),
                ]

    return Table("transparansi", columns, rows())


def public_agency_table(region: Region, agency: Agency, period: Period) -> Table:
    """Open data of one agency: its public complaints' figures, then per category and kecamatan
    the dispositions it received and what it resolved (no personal data)."""
    scope = Scope(region, agency_ids=(agency.pk,), published_only=True)
    total = services.totals(scope, period)
    columns = ["opd", "dimensi", "kode", "nama", "nilai", "disposisi_diterima", "selesai"]
    columns += ["periode_mulai", "periode_akhir"]
    span = [period.first.isoformat(), period.last.isoformat()]

    def rows():
        measures = [
            ("disposisi_diterima", total["disposed"]),
            ("diterima_opd", total["accepted"]),
            ("selesai", total["resolved"]),
            ("dikembalikan", total["returned"]),
            ("diteruskan", total["forwarded"]),
            ("dibuka_kembali", total["reopened"]),
            ("median_tanggapan_pertama_menit_kerja", total.median("response_minutes")),
            ("median_penyelesaian_menit_kerja", total.median("resolve_minutes")),
            ("p90_penyelesaian_menit_kerja", total.p90("resolve_minutes")),
            ("median_perjalanan_petugas_menit_kerja", total.median("travel_minutes")),
            *[(f"tepat_waktu_{s}", _round(total.within_share(s))) for s in STAGE_LABELS],
            ("jumlah_penilaian", total["ratings"]),
            ("rata_rata_penilaian", _round(total.rating)),
        ]
        for name, value in measures:
            yield [
                agency.code,
                "ringkasan",
                name,
                "",
                "" if value is None else value,
                "",
                "",
                *span,
            ]
        for dimension in ("category", "kecamatan"):
            for row in services.agency_breakdown(scope, period, dimension):
                counts = row.counts
                yield [agency.code, dimension, row.key, row.label, ""] + [
                    counts["disposed"],
                    counts["resolved"],
                    *span,
                ]

    return Table("transparansi-opd", columns, rows())


# ---------------------------------------------------------------------------------------------
# The monthly report


def monthly(region: Region, period: Period, *, fmt: str, agency: Agency | None = None) -> bytes:
    scope = Scope(region) if agency is None else Scope(region, agency_ids=(agency.pk,))
    return monthly_for_scope(scope, period, fmt=fmt, agency=agency)


def monthly_for_scope(
    scope: Scope, period: Period, *, fmt: str, agency: Agency | None = None
) -> bytes:
    if fmt == "xlsx":
        return xlsx_bytes(
            [
                performance_table(scope, period),
                trends_table(scope, period),
                series_table(scope, period, by="week"),
            ]
        )
    from .pdf import monthly_pdf

    return monthly_pdf(scope, period, agency=agency)
