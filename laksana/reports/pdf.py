"""The monthly report as PDF (fpdf2) for the leaders' meeting, in Indonesian, with its charts
drawn as PDF shapes: the totals, agency performance, the weekly series, top categories and
kecamatan."""

from datetime import date

from fpdf import FPDF

from laksana.agencies.models import Agency
from laksana.common import clock

from . import density, services
from .periods import Period
from .presenters import minutes_text, rating_text, share_text
from .services import STAGE_LABELS, Scope

BLUE, GREEN, GREY = (30, 90, 160), (40, 140, 80), (120, 120, 120)


def _text(value) -> str:
    # The core fonts are Latin-1; Indonesian needs nothing else, but names might.
    return (
        str(value)
        .replace("–", "-")
        .replace("×", "x")
        .encode("latin-1", "replace")
        .decode("latin-1")
    )


class _Report(FPDF):
    title_text = ""

    def header(self):
        self.set_font("Helvetica", "B", 9)
        self.set_text_color(*GREY)
        self.cell(0, 6, _text(self.title_text), align="L")
        self.ln(8)
        self.set_text_color(0, 0, 0)

    def footer(self):
        self.set_y(-12)
        self.set_font("Helvetica", "", 8)
        self.set_text_color(*GREY)
        self.cell(0, 6, f"Halaman {self.page_no()}/{{nb}}", align="C")


def _heading(pdf: FPDF, text: str) -> None:
    pdf.ln(3)
    pdf.set_font("Helvetica", "B", 12)
    pdf.cell(0, 7, _text(text), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 9)


def _bars(pdf: FPDF, items: list[tuple[str, float]], *, color=BLUE, label_w=60, width=110):
    """Horizontal bars with their numbers printed beside them."""
    top = max((v for _l, v in items), default=0) or 1
    pdf.set_font("Helvetica", "", 8)
    for label, value in items:
        if pdf.will_page_break(6):
            pdf.add_page()
        y = pdf.get_y()
        pdf.set_x(pdf.l_margin)
        pdf.cell(label_w, 5, _text(label)[:40])
        pdf.set_fill_color(*color)
        pdf.rect(pdf.l_margin + label_w, y + 0.8, max(0.3, width * value / top), 3.4, style="F")
        pdf.set_xy(pdf.l_margin + label_w + width * value / top + 2, y)
        pdf.cell(20, 5, f"{value:g}")
        pdf.ln(5)
    pdf.set_font("Helvetica", "", 9)


def _series(pdf: FPDF, series: list[tuple[date, dict]], *, height=45, width=170):
    top = max((max(v["received"], v["resolved"]) for _d, v in series), default=0) or 1
    x0, y0 = pdf.l_margin, pdf.get_y() + height
    n = max(1, len(series))
    slot = width / n
    for i, (day, values) in enumerate(series):
        for k, (name, color) in enumerate((("received", BLUE), ("resolved", GREEN))):
            h = height * values[name] / top
            pdf.set_fill_color(*color)
            pdf.rect(x0 + i * slot + k * slot * 0.4 + slot * 0.1, y0 - h, slot * 0.35, h, style="F")
        pdf.set_font("Helvetica", "", 6)
        pdf.text(x0 + i * slot + slot * 0.1, y0 + 3.5, f"{day:%d/%m}")
    pdf.set_font("Helvetica", "", 8)
    pdf.set_y(y0 + 6)
    pdf.set_fill_color(*BLUE)
    pdf.rect(x0, pdf.get_y() + 1, 3, 3, style="F")
    pdf.set_x(x0 + 4)
    pdf.cell(25, 5, "Masuk")
    pdf.set_fill_color(*GREEN)
    pdf.rect(pdf.get_x(), pdf.get_y() + 1, 3, 3, style="F")
    pdf.set_x(pdf.get_x() + 4)
    pdf.cell(25, 5, "Selesai", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 9)


CLASS_COLORS = {
    "d0": (238, 240, 243),
    "d1": (198, 219, 239),
    "d2": (158, 202, 225),
    "d3": (107, 174, 214),
    "d4": (49, 130, 189),
    "d5": (8, 81, 156),
}


def _choropleth(pdf: FPDF, found: density.DensityMap, *, width=120):
    """The density map as filled PDF polygons, its legend, and the busiest places as a table."""
    if found.coarse:
        pdf.set_font("Helvetica", "", 8)
        pdf.multi_cell(
            0,
            4,
            _text("Batas kelurahan/desa belum lengkap: peta digambar per kecamatan."),
            new_x="LMARGIN",
            new_y="NEXT",
        )
    if found.drawn and found.height:
        k = width / found.width
        height = found.height * k
        if pdf.will_page_break(height + 12):
            pdf.add_page()
        x0, y0 = pdf.l_margin, pdf.get_y()
        pdf.set_draw_color(255, 255, 255)
        pdf.set_line_width(0.15)
        for place in found.places:
            pdf.set_fill_color(*CLASS_COLORS.get(place.css, CLASS_COLORS["d0"]))
            for ring in place.rings:
                pdf.polygon([(x0 + x * k, y0 + y * k) for x, y in ring], style="DF")
        pdf.set_draw_color(0, 0, 0)
        pdf.set_y(y0 + height + 2)
        pdf.set_font("Helvetica", "", 8)
        for css, text in found.legend:
            pdf.set_fill_color(*CLASS_COLORS[css])
            pdf.rect(pdf.get_x(), pdf.get_y() + 1, 3, 3, style="F")
            pdf.set_x(pdf.get_x() + 4)
            pdf.cell(18, 5, _text(text))
        pdf.ln(6)
    place_label = "Kelurahan" if found.level == "kelurahan" else "Kecamatan"
    _table(
        pdf,
        [place_label, "Kecamatan" if found.level == "kelurahan" else "", "Jumlah"],
        [[p.name, p.parent, p.count] for p in found.ranked[:15]],
        [60, 60, 25],
    )


def _table(pdf: FPDF, header: list[str], rows: list[list], widths: list[float]):
    pdf.set_font("Helvetica", "B", 7)
    for text, w in zip(header, widths, strict=True):
        pdf.cell(w, 6, _text(text), border=1)
    pdf.ln(6)
    pdf.set_font("Helvetica", "", 7)
    for row in rows:
        if pdf.will_page_break(5):
            pdf.add_page()
        for value, w in zip(row, widths, strict=True):
            pdf.cell(w, 5, _text(value)[:38], border=1)
        pdf.ln(5)
    pdf.set_font("Helvetica", "", 9)


def monthly_pdf(scope: Scope, period: Period, *, agency: Agency | None = None) -> bytes:
    region = scope.region
    pdf = _Report(orientation="P", unit="mm", format="A4")
    subject = agency.name if agency else region.name
    pdf.title_text = f"Laporan bulanan pengaduan - {subject} - {period.label}"
    pdf.set_title(_text(pdf.title_text))
    pdf.set_author("Laksana")
    pdf.set_creation_date(clock.now())
    pdf.alias_nb_pages()
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.cell(0, 10, _text("Laporan Bulanan Pengaduan Warga"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 11)
    pdf.cell(0, 6, _text(f"{subject} - {period.label}"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 8)
    pdf.set_text_color(*GREY)
    pdf.multi_cell(
        0,
        4,
        _text(
            "Waktu dihitung dalam jam kerja kalender daerah. Angka dari agregat harian yang "
            "dihitung ulang dari riwayat laporan. Tanpa data pribadi."
        ),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.set_text_color(0, 0, 0)

    total = services.totals(scope, period)
    previous = services.totals(scope, period.previous(), durations=())
    _heading(pdf, "Ringkasan")
    summary = [
        ("Laporan masuk", total["received"], previous["received"]),
        ("Diverifikasi", total["verified"], previous["verified"]),
        ("Didisposisikan", total["disposed"], previous["disposed"]),
        ("Selesai ditangani", total["resolved"], previous["resolved"]),
        ("Ditutup", total["closed"], previous["closed"]),
        ("Dikembalikan (bukan wewenang)", total["returned"], previous["returned"]),
        ("Dibuka kembali", total["reopened"], previous["reopened"]),
    ]
    _table(
        pdf,
        ["Ukuran", period.label, period.previous().label],
        [[a, b, c] for a, b, c in summary],
        [70, 50, 50],
    )
    pdf.ln(2)
    lines = [
        ["Median konfirmasi disposisi", minutes_text(total.median("ack_minutes"))],
        ["Median tanggapan pertama", minutes_text(total.median("response_minutes"))],
        ["Median penyelesaian", minutes_text(total.median("resolve_minutes"))],
        ["P90 penyelesaian", minutes_text(total.p90("resolve_minutes"))],
        ["Median waktu mulai lapangan", minutes_text(total.median("start_minutes"))],
        ["Median perjalanan petugas", minutes_text(total.median("travel_minutes"))],
        ["Median di lokasi", minutes_text(total.median("onsite_minutes"))],
        *[
            [f"Tepat waktu: {label}", share_text(total.within_share(stage))]
            for stage, label in STAGE_LABELS.items()
        ],
        [
            "Rata-rata penilaian warga",
            f"{rating_text(total.rating)} ({total['ratings']} penilaian)",
        ],
    ]
    _table(pdf, ["Waktu dan mutu", "Nilai"], lines, [90, 80])

    _heading(pdf, "Laporan masuk dan selesai per minggu")
    _series(pdf, services.trend(scope, period, by="week"))

    rows = [r for r in services.agency_performance(scope, period) if r.agency]
    _heading(pdf, "Disposisi diterima per OPD")
    _bars(pdf, [(r.name, r.figures["disposed"]) for r in rows[:15]])
    _heading(pdf, "Kinerja OPD")
    _table(
        pdf,
        [
            "OPD",
            "Disposisi",
            "Selesai",
            "Terbuka",
            "Lewat",
            "Med. tanggapan",
            "Tepat waktu",
            "Nilai",
        ],
        [
            [
                r.name,
                r.figures["disposed"],
                r.figures["resolved"],
                r.open_now,
                r.overdue_now,
                minutes_text(r.figures.median("response_minutes")),
                share_text(r.figures.within_share("respond")),
                rating_text(r.figures.rating),
            ]
            for r in rows
        ],
        [50, 18, 16, 16, 14, 24, 20, 14],
    )
    categories = services.breakdown(scope, period, "category", limit=10)
    _heading(pdf, "Kategori terbanyak")
    _bars(pdf, [(r.label, r.counts["received"]) for r in categories], color=GREEN)
    kecamatan = services.breakdown(scope, period, "kecamatan")
    _heading(pdf, "Laporan per kecamatan")
    _bars(pdf, [(r.label, r.counts["received"]) for r in kecamatan])
    _table(
        pdf,
        ["Kecamatan", "Masuk", "Selesai", "Bulan lalu", "Tahun lalu"],
        [
            [r.label, r.counts["received"], r.counts["resolved"], r.previous, r.year_before]
            for r in kecamatan
        ],
        [60, 25, 25, 30, 30],
    )
    grid = density.read_grid(scope, period)
    found = density.density_map(scope, period, grid=grid)
    _heading(pdf, f"{found.title} (peta kepadatan)")
    _choropleth(pdf, found)
    spots = density.hot_spots(scope, period, limit=15, grid=grid)
    _heading(pdf, "Titik rawan")
    pdf.set_font("Helvetica", "", 8)
    pdf.multi_cell(
        0,
        4,
        _text(
            f"Kelurahan (atau kelurahan dan kategori) dengan paling sedikit {density.HOT_MIN} "
            f"laporan bulan ini dan paling sedikit {density.HOT_FACTOR}x rata-ratanya pada "
            f"{density.HOT_HISTORY} bulan sebelumnya."
        ),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    _table(
        pdf,
        ["Kelurahan", "Kategori", "Bulan ini", "Rata-rata sebelumnya"],
        [[s.kelurahan, s.category or "Semua kategori", s.count, s.mean_text] for s in spots]
        or [["Tidak ada titik rawan", "", "", ""]],
        [55, 60, 25, 35],
    )
    return bytes(pdf.output())
