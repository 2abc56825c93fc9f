"""SP4N-LAPOR! imports: the national complaint system dispatches reports to the region's agencies;
its export (CSV or XLSX) becomes the region's own complaints, through the one intake service.

- Idempotent on LAPOR!'s tracking id: a report imported once is never imported again, whatever the
  number of files it comes in (a LaporRow per region and tracking id; the complaint's idempotency
  key is `lapor:<tracking id>`).
- Mapped by name: the kecamatan and kelurahan to the region's areas, "Instansi Terdisposisi" to an
  agency (with or without the region's name after it), "Kategori" to a category (else the region's
  "Lainnya"). A row whose place or agency does not map waits on the review screen, where a person
  picks them; nothing is guessed.
- Each imported report is submitted (channel SP4N-LAPOR!, the importing operator as intake actor),
  verified with LAPOR!'s title and, when LAPOR! named an agency, disposed to it, so its deadlines
  run like any other complaint's.
- Large files are processed by the worker in chunks; the import row counts progress.
"""

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from laksana.agencies.models import Agency, Category, Role
from laksana.agencies.services import Staff, staff_in
from laksana.common.errors import Forbidden, ValidationFailed
from laksana.complaints import services as complaints
from laksana.complaints.models import Channel, Kind, Status
from laksana.regions.models import Area, Region

from .models import LaporImport, LaporRow

COLUMNS = {
    "tracking_id": "Tracking ID",
    "date": "Tanggal Laporan Masuk",
    "time": "Waktu Laporan Masuk",
    "kind": "Klasifikasi Laporan",
    "category": "Kategori",
    "title": "Judul Laporan",
    "text": "Isi Laporan Awal",
    "type": "Tipe Laporan (Anonim/Rahasia)",
    "source": "Sumber Laporan",
    "agency": "Instansi Terdisposisi",
    "status": "Status Laporan",
    "kecamatan": "Kecamatan",
    "kelurahan": "Kelurahan",
}
REQUIRED = ("tracking_id", "text", "kecamatan", "kelurahan")
MAX_BYTES = 25 * 1024 * 1024
MAX_ROWS = 100_000
CHUNK = 25
KINDS = {
    "pengaduan": Kind.COMPLAINT,
    "aspirasi": Kind.ASPIRATION,
    "permintaan informasi": Kind.INFORMATION,
}
_PREFIXES = re.compile(r"^(kelurahan|kel|desa|ds|kecamatan|kec)\b\.?\s*")


def may_import(staff: Staff) -> bool:
    return staff.has(Role.REGION_ADMIN, Role.OPERATOR)


def _norm(text) -> str:
    text = re.sub(r"[^\w\s]", " ", str(text or "").lower())
    return " ".join(text.split())


def _place(text) -> str:
    return _PREFIXES.sub("", _norm(text))


# Reading the file ------------------------------------------------------------------------------


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):  # Excel keeps a date as a datetime at midnight
        if value.time() == time.min:
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _xlsx_rows(content: bytes):
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise ValidationFailed(
            _("Berkas XLSX tidak dapat dibaca: %(error)s") % {"error": exc},
            fields={"file": _("Berkas rusak.")},
        ) from None
    try:
        for values in book.worksheets[0].iter_rows(values_only=True):
            yield [_cell(v) for v in values]
    finally:
        book.close()


def _csv_rows(content: bytes):
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    first = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first.count)
    yield from csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)


def read_rows(file_name: str, content: bytes) -> list[dict[str, str]]:
    """The export's rows as {our key: text}; a clear error for a file that is not an export."""
    if not content:
        raise ValidationFailed(_("Berkas kosong."), fields={"file": _("Berkas kosong.")})
    if len(content) > MAX_BYTES:
        raise ValidationFailed(
            _("Berkas lebih dari 25 MB. Bagi ekspor per bulan."), fields={"file": file_name}
        )
    is_xlsx = content[:2] == b"PK" or file_name.lower().endswith(".xlsx")
    lines = _xlsx_rows(content) if is_xlsx else _csv_rows(content)
    header: dict[str, int] | None = None
    rows = []
    for values in lines:
        if not any(v.strip() for v in values if v):
            continue
        if header is None:
            wanted = {_norm(name): key for key, name in COLUMNS.items()}
            header = {wanted[_norm(v)]: i for i, v in enumerate(values) if _norm(v) in wanted}
            missing = [COLUMNS[k] for k in REQUIRED if k not in header]
            if missing:
                raise ValidationFailed(
                    _("Ini bukan ekspor SP4N-LAPOR!: kolom %(columns)s tidak ada.")
                    % {"columns": ", ".join(missing)},
                    fields={"file": file_name},
                )
            continue
        rows.append({k: (values[i] if i < len(values) else "").strip() for k, i in header.items()})
        if len(rows) > MAX_ROWS:
            raise ValidationFailed(
                _("Lebih dari %(n)d baris. Bagi ekspor per bulan.") % {"n": MAX_ROWS},
                fields={"file": file_name},
            )
    if header is None:
        raise ValidationFailed(_("Berkas kosong."), fields={"file": _("Berkas kosong.")})
    return rows


# Mapping names to the region's own -------------------------------------------------------------


@dataclass
class Names:
    """The region's areas, agencies and categories by normalised name, read once per import."""

    kecamatan: dict[str, Area] = field(default_factory=dict)
    kelurahan: dict[tuple[int, str], Area] = field(default_factory=dict)
    agencies: dict[str, Agency] = field(default_factory=dict)
    categories: dict[str, Category] = field(default_factory=dict)
    fallback: Category | None = None
    region_names: tuple[str, ...] = ()

    @classmethod
    def of(cls, region: Region) -> "Names":
        names = cls()
        areas = Area.objects.filter(region=region).defer("boundary")
        for area in areas:
            if area.level == Area.Level.KECAMATAN:
                names.kecamatan[_place(area.name)] = area
        for area in areas:
            if area.level != Area.Level.KECAMATAN and area.parent_id:
                names.kelurahan[(area.parent_id, _place(area.name))] = area
        for agency in Agency.objects.filter(region=region):
            names.agencies.setdefault(_norm(agency.short_name), agency)
            names.agencies[_norm(agency.name)] = agency
        for category in Category.objects.filter(region=region, is_active=True):
            names.categories.setdefault(_norm(category.group), category)
            names.categories[_norm(category.name)] = category
            if category.code == "LAINNYA":
                names.fallback = category
        names.fallback = names.fallback or Category.objects.filter(region=region).first()
        plain = _norm(region.name)
        names.region_names = (plain, f"pemerintah {plain}", f"pemkot {plain}", f"pemkab {plain}")
        return names

    def agency(self, text: str) -> Agency | None:
        name = _norm(text)
        for suffix in sorted(self.region_names, key=len, reverse=True):
            if name.endswith(" " + suffix):
                name = name[: -len(suffix) - 1].strip()
                break
        return self.agencies.get(name)


@dataclass
class Mapped:
    kelurahan: Area | None = None
    agency: Agency | None = None
    category: Category | None = None
    problems: list[dict] = field(default_factory=list)


def map_row(names: Names, row: LaporRow) -> Mapped:
    data, chosen = row.data, row.overrides
    found = Mapped()

    def problem(key: str, message: str) -> None:
        found.problems.append({"field": key, "message": message})

    if chosen.get("kelurahan"):
        found.kelurahan = Area.objects.filter(
            region_id=row.region_id, code=chosen["kelurahan"]
        ).first()
    else:
        kecamatan = names.kecamatan.get(_place(data.get("kecamatan")))
        if kecamatan is None:
            problem(
                "kecamatan",
                _("Kecamatan “%(name)s” tidak dikenal.") % {"name": data.get("kecamatan", "")},
            )
        else:
            found.kelurahan = names.kelurahan.get((kecamatan.pk, _place(data.get("kelurahan"))))
            if found.kelurahan is None:
                problem(
                    "kelurahan",
                    _("Kelurahan “%(name)s” tidak ada di Kecamatan %(kecamatan)s.")
                    % {"name": data.get("kelurahan", ""), "kecamatan": kecamatan.name},
                )
    if chosen.get("agency"):
        found.agency = Agency.objects.filter(region_id=row.region_id, code=chosen["agency"]).first()
    elif data.get("agency"):
        found.agency = names.agency(data["agency"])
        if found.agency is None:
            problem("agency", _("Instansi “%(name)s” tidak dikenal.") % {"name": data["agency"]})
    if chosen.get("category"):
        found.category = Category.objects.filter(
            region_id=row.region_id, code=chosen["category"]
        ).first()
    else:
        found.category = names.categories.get(_norm(data.get("category"))) or names.fallback
    if not (data.get("text") or "").strip():
        problem("text", _("Isi laporan kosong."))
    return found


# Importing ---------------------------------------------------------------------------------------


def start_import(
    *, staff: Staff, file_name: str, content: bytes, queue: bool = True
) -> LaporImport:
    """Read an export and record its rows; the worker then brings them in (run_import), unless
    the caller runs it itself (queue=False). Rows already imported by an earlier file are counted
    as such and left alone."""
    if not may_import(staff):
        raise Forbidden(_("Hanya operator ruang kendali yang dapat mengimpor laporan SP4N-LAPOR!."))
    rows = read_rows(file_name, content)
    seen: set[str] = set()
    ids = []
    for number, row in enumerate(rows, start=2):
        tracking = row.get("tracking_id", "").strip()
        if not tracking or len(tracking) > 40:
            raise ValidationFailed(
                _("Baris %(line)d: Tracking ID kosong atau terlalu panjang.") % {"line": number},
                fields={"file": file_name},
            )
        if tracking not in seen:
            seen.add(tracking)
            ids.append(tracking)
    region = staff.region
    with transaction.atomic():
        batch = LaporImport.objects.create(
            region=region,
            uploaded_by=staff.user,
            file_name=file_name[:200],
            created_at=timezone.now(),
            total=len(ids),
        )
        known = {
            r.tracking_id: r for r in LaporRow.objects.filter(region=region, tracking_id__in=ids)
        }
        fresh = []
        by_id = {row["tracking_id"].strip(): row for row in rows}
        for tracking in ids:
            row = known.get(tracking)
            if row is None:
                fresh.append(
                    LaporRow(region=region, batch=batch, tracking_id=tracking, data=by_id[tracking])
                )
            elif row.state != LaporRow.State.IMPORTED:
                row.batch, row.data, row.state = batch, by_id[tracking], LaporRow.State.PENDING
                row.save(update_fields=["batch", "data", "state"])
        LaporRow.objects.bulk_create(fresh, batch_size=500)
        already = sum(1 for t in ids if t in known and known[t].state == LaporRow.State.IMPORTED)
        LaporImport.objects.filter(pk=batch.pk).update(already=already, done=already)
        if queue:
            from . import tasks

            transaction.on_commit(lambda: tasks.queue(batch.pk), robust=True)
    batch.refresh_from_db()
    return batch


def _importer(batch: LaporImport) -> Staff:
    return staff_in(batch.uploaded_by, batch.region)


def run_import(batch_id: int) -> LaporImport:
    """Bring every pending row of an import in, a chunk at a time, counting progress. Safe to
    run again after a crash: imported rows are skipped, a half-done row completes."""
    batch = LaporImport.objects.select_related("region", "uploaded_by").get(pk=batch_id)
    LaporImport.objects.filter(pk=batch.pk).update(state=LaporImport.State.RUNNING)
    try:
        staff = _importer(batch)
        names = Names.of(batch.region)
        while True:
            chunk = list(
                LaporRow.objects.filter(batch=batch, state=LaporRow.State.PENDING).order_by("id")[
                    :CHUNK
                ]
            )
            if not chunk:
                break
            created = review = 0
            for row in chunk:
                outcome = bring_in(staff, names, row)
                created += outcome == "created"
                review += outcome == "review"
            LaporImport.objects.filter(pk=batch.pk).update(
                done=F("done") + len(chunk),
                created=F("created") + created,
                review=F("review") + review,
            )
    except Exception as exc:
        LaporImport.objects.filter(pk=batch.pk).update(
            state=LaporImport.State.FAILED, error=str(exc)[:1000], finished_at=timezone.now()
        )
        raise
    LaporImport.objects.filter(pk=batch.pk).update(
        state=LaporImport.State.DONE, finished_at=timezone.now()
    )
    batch.refresh_from_db()
    return batch


def _kind(text: str) -> str:
    return KINDS.get(_norm(text), Kind.COMPLAINT)


def bring_in(staff: Staff, names: Names, row: LaporRow) -> str:
    """One row: 'created' (a complaint now exists for it), or 'review' (it waits for a person)."""
    mapped = map_row(names, row)
    if mapped.problems:
        row.problems, row.state = mapped.problems, LaporRow.State.REVIEW
        row.save(update_fields=["problems", "state"])
        return "review"
    data = row.data
    privacy = _norm(data.get("type"))
    try:
        result = complaints.submit(
            region=staff.region,
            category_code=mapped.category.code,
            description=data["text"],
            kind=_kind(data.get("kind", "")),
            area_code=mapped.kelurahan.code,
            is_anonymous="anonim" in privacy,
            is_confidential="rahasia" in privacy,
            channel=Channel.LAPOR,
            idempotency_key=f"lapor:{row.tracking_id}",
            source=row.tracking_id,
            actor=staff,
            data={
                "lapor": {
                    "tracking_id": row.tracking_id,
                    "received": " ".join(filter(None, (data.get("date"), data.get("time")))),
                    "status": data.get("status", ""),
                    "source": data.get("source", ""),
                    "category": data.get("category", ""),
                    "agency": data.get("agency", ""),
                }
            },
        )
    except ValidationFailed as exc:
        row.problems = [
            {"field": key, "message": str(message)} for key, message in exc.fields.items()
        ] or [{"field": "text", "message": str(exc.detail)}]
        row.state = LaporRow.State.REVIEW
        row.save(update_fields=["problems", "state"])
        return "review"
    complaint = result.complaint
    if complaint.status == Status.SUBMITTED:
        title = (data.get("title") or "").strip() or None
        complaint = complaints.verify(staff=staff, complaint=complaint, title=title)
    if mapped.agency is not None and complaint.status == Status.VERIFIED:
        complaint = complaints.dispose(
            staff=staff,
            complaint=complaint,
            agency_code=mapped.agency.code,
            note=_("Didisposisikan SP4N-LAPOR! ke %(agency)s.") % {"agency": mapped.agency.name},
        )
    row.complaint, row.problems, row.state = complaint, [], LaporRow.State.IMPORTED
    row.save(update_fields=["complaint", "problems", "state"])
    return "created"


def resolve(
    *, staff: Staff, row_id: int, kelurahan: str = "", agency: str = "", category: str = ""
) -> LaporRow:
    """A person maps what did not map (review screen); the row is then brought in at once."""
    if not may_import(staff):
        raise Forbidden(_("Hanya operator ruang kendali yang dapat mengimpor laporan SP4N-LAPOR!."))
    row = LaporRow.objects.filter(
        pk=row_id, region=staff.region, state=LaporRow.State.REVIEW
    ).first()
    if row is None:
        raise ValidationFailed(_("Baris ini tidak menunggu pemetaan."), fields={"row": row_id})
    region = staff.region
    errors = {}
    if kelurahan and not Area.objects.filter(region=region, code=kelurahan).exists():
        errors["kelurahan"] = _("Pilih kelurahan dari daftar.")
    if agency and not Agency.objects.filter(region=region, code=agency).exists():
        errors["agency"] = _("Pilih instansi dari daftar.")
    if category and not Category.objects.filter(region=region, code=category).exists():
        errors["category"] = _("Pilih kategori dari daftar.")
    if errors:
        raise ValidationFailed(_("Periksa pilihan Anda."), fields=errors)
    row.overrides = {
        **row.overrides,
        **{
            k: v
            for k, v in (("kelurahan", kelurahan), ("agency", agency), ("category", category))
            if v
        },
    }
    row.save(update_fields=["overrides"])
    outcome = bring_in(staff, Names.of(region), row)
    if outcome == "created":
        LaporImport.objects.filter(pk=row.batch_id).update(
            created=F("created") + 1, review=F("review") - 1
        )
    row.refresh_from_db()
    return row
