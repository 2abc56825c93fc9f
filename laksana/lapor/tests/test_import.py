"""SP4N-LAPOR! exports imported as a region's complaints: by the console's upload and the worker,
idempotent on LAPOR!'s tracking id, mapped by name, with a review of what did not map."""

import csv
import io
import random
from datetime import date, time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from openpyxl import Workbook, load_workbook

from laksana.agencies.models import Agency
from laksana.complaints.models import Complaint, Event
from laksana.lapor import services
from laksana.lapor.models import LaporImport, LaporRow
from laksana.regions.models import Area
from laksana.testing.personas import staff

pytestmark = pytest.mark.django_db
URL = "/kota-tangerang/console/sp4n-lapor/"
HEADER = list(services.COLUMNS.values())
TEXTS = [
    "Jalan di depan sekolah berlubang besar, sudah dua motor jatuh minggu ini.",
    "Lampu penerangan jalan mati sejak seminggu, gelap dan rawan begal.",
    "Sampah menumpuk di pinggir kali, baunya sampai ke rumah warga.",
    "Saluran air tersumbat, tiap hujan air masuk ke rumah.",
    "Mohon informasi jadwal pembuatan KTP elektronik di kecamatan.",
]
AGENCIES = {
    "PUPR": "Dinas Pekerjaan Umum dan Penataan Ruang",
    "DLH": "Dinas Lingkungan Hidup",
    "DISHUB": "Dinas Perhubungan",
}


def _places(region, n: int, seed: int = 7) -> list[Area]:
    rng = random.Random(seed)
    kelurahan = list(Area.objects.filter(region=region, level="kelurahan").select_related("parent"))
    return [rng.choice(kelurahan) for _ in range(n)]


def _rows(region, n: int, *, start: int = 1) -> list[dict]:
    """n LAPOR! rows as its export writes them: the agency with the region's name after it,
    place names in capitals or with "Kel."/"Kec." prefixes, varied privacy and kinds."""
    agencies = {a.code: a.name for a in Agency.objects.filter(region=region, code__in=AGENCIES)}
    rows = []
    for i, area in enumerate(_places(region, n), start=start):
        code = list(agencies)[i % len(agencies)]
        rows.append(
            {
                "Tracking ID": f"{4100000 + i}",
                "Tanggal Laporan Masuk": f"2026-11-{1 + i % 28:02d}",
                "Waktu Laporan Masuk": f"{8 + i % 10:02d}:15:00",
                "Klasifikasi Laporan": ["Pengaduan", "Aspirasi", "Permintaan Informasi"][i % 3],
                "Kategori": ["Infrastruktur", "Lingkungan", "Lainnya"][i % 3],
                "Judul Laporan": f"Laporan warga nomor {i}",
                "Isi Laporan Awal": TEXTS[i % len(TEXTS)] + f" (LAPOR {i})",
                "Tipe Laporan (Anonim/Rahasia)": ["Biasa", "Anonim", "Rahasia"][i % 3],
                "Sumber Laporan": ["Website", "Aplikasi Mobile", "SMS 1708"][i % 3],
                "Instansi Terdisposisi": f"{agencies[code]} {region.name}",
                "Status Laporan": "Proses",
                "Kecamatan": area.parent.name.upper() if i % 2 else f"Kec. {area.parent.name}",
                "Kelurahan": area.name if i % 2 else f"Kel. {area.name}",
            }
        )
    return rows


def _csv(rows: list[dict], delimiter: str = ",") -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=HEADER, delimiter=delimiter)
    writer.writeheader()
    writer.writerows(rows)
    return ("\ufeff" + out.getvalue()).encode()  # Excel's CSV starts with a BOM


def _xlsx(rows: list[dict]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for row in rows:
        values = [row[h] for h in HEADER]
        values[1] = date.fromisoformat(row["Tanggal Laporan Masuk"])  # real date and time cells
        values[2] = time.fromisoformat(row["Waktu Laporan Masuk"])
        values[0] = int(row["Tracking ID"])
        sheet.append(values)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _upload(client, name: str, content: bytes):
    return client.post(URL, {"file": SimpleUploadedFile(name, content)})


def _run_queued() -> None:
    for batch in LaporImport.objects.filter(state=LaporImport.State.QUEUED):
        services.run_import(batch.pk)


def test_an_export_of_200_rows_imported_twice_gives_200_complaints(client, operator, tangerang):
    rows = _rows(tangerang, 200)
    client.force_login(operator.user)
    first = _upload(client, "lapor-november.csv", _csv(rows))
    assert first.status_code == 302
    _run_queued()
    batch = LaporImport.objects.get()
    assert (batch.state, batch.total, batch.done, batch.created, batch.review) == (
        "done",
        200,
        200,
        200,
        0,
    )
    imported = Complaint.objects.filter(region=tangerang, channel="lapor")
    assert imported.count() == 200
    one = imported.get(source="4100001")
    row = rows[0]
    assert one.description == row["Isi Laporan Awal"] and one.title == row["Judul Laporan"]
    assert one.status == "dispatched"
    assert row["Instansi Terdisposisi"] == f"{one.agency.name} Kota Tangerang"
    assert one.area.name == row["Kelurahan"] and one.kind == "aspirasi" and one.is_anonymous
    submitted = Event.objects.get(complaint=one, type="submitted")
    assert submitted.actor == operator.user and submitted.data["lapor"]["tracking_id"] == "4100001"
    assert submitted.data["lapor"]["received"] == "2026-11-02 09:15:00"
    assert imported.filter(is_confidential=True).count() == len(rows[1::3])

    events = Event.objects.count()
    again = _upload(client, "lapor-november (1).csv", _csv(rows, delimiter=";"))
    assert again.status_code == 302
    _run_queued()
    second = LaporImport.objects.latest("id")
    assert (second.total, second.already, second.created, second.state) == (200, 200, 0, "done")
    assert Complaint.objects.filter(channel="lapor").count() == 200
    assert Event.objects.count() == events  # nothing written twice
    page = client.get(f"{URL}{second.pk}/").content.decode()
    assert 'data-state="done"' in page and 'id="lapor-already">200<' in page


def test_xlsx_with_date_cells_and_the_next_month_adds_only_the_new_rows(
    client, operator, tangerang
):
    client.force_login(operator.user)
    _upload(client, "oktober.xlsx", _xlsx(_rows(tangerang, 20)))
    _run_queued()
    assert Complaint.objects.filter(channel="lapor").count() == 20
    both = _rows(tangerang, 20) + _rows(tangerang, 10, start=21)
    _upload(client, "oktober-november.xlsx", _xlsx(both))
    _run_queued()
    batch = LaporImport.objects.latest("id")
    assert (batch.total, batch.already, batch.created) == (30, 20, 10)
    one = Complaint.objects.get(source="4100021")
    assert Event.objects.get(complaint=one, type="submitted").data["lapor"]["received"] == (
        "2026-11-22 09:15:00"
    )


def test_rows_that_do_not_map_wait_for_review_and_a_person_maps_them(client, operator, tangerang):
    rows = _rows(tangerang, 3)
    rows[0]["Kelurahan"] = "Kelurahan Antah Berantah"
    rows[1]["Instansi Terdisposisi"] = "Dinas Urusan Yang Tidak Ada"
    rows[2]["Instansi Terdisposisi"] = ""  # LAPOR! sent it to the region itself
    client.force_login(operator.user)
    _upload(client, "campur.csv", _csv(rows))
    _run_queued()
    batch = LaporImport.objects.get()
    assert (batch.created, batch.review) == (1, 2)
    to_the_room = Complaint.objects.get(source=rows[2]["Tracking ID"])
    assert to_the_room.status == "verified" and to_the_room.agency_id is None
    page = client.get(f"{URL}{batch.pk}/").content.decode()
    assert "Kelurahan Antah Berantah" in page and "Dinas Urusan Yang Tidak Ada" in page
    lost_place, lost_agency = LaporRow.objects.filter(state="review").order_by("id")
    kelurahan = Area.objects.filter(region=tangerang, level="kelurahan").first()
    refused = client.post(
        f"{URL}{batch.pk}/baris/{lost_place.pk}/", {"kelurahan": "36.71.99.9999"}, follow=True
    )
    assert "Pilih kelurahan dari daftar." in refused.content.decode()
    client.post(f"{URL}{batch.pk}/baris/{lost_place.pk}/", {"kelurahan": kelurahan.code})
    client.post(f"{URL}{batch.pk}/baris/{lost_agency.pk}/", {"agency": "DLH"})
    assert not LaporRow.objects.filter(state="review").exists()
    assert Complaint.objects.get(source=rows[0]["Tracking ID"]).area == kelurahan
    assert Complaint.objects.get(source=rows[1]["Tracking ID"]).agency.code == "DLH"
    batch.refresh_from_db()
    assert (batch.created, batch.review) == (3, 0)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("kosong.csv", b"", "Berkas kosong."),
        ("lain.csv", b"nama,alamat\nBudi,Jl. Merdeka\n", "Ini bukan ekspor SP4N-LAPOR!"),
        ("rusak.xlsx", b"PK\x03\x04 bukan zip", "Berkas XLSX tidak dapat dibaca"),
    ],
)
def test_a_file_that_is_not_an_export_is_refused_with_a_reason_and_stores_nothing(
    client, operator, tangerang, name, content, message
):
    client.force_login(operator.user)
    response = _upload(client, name, content)
    assert response.status_code == 422 and message in response.content.decode()
    assert not LaporImport.objects.exists() and not LaporRow.objects.exists()


def test_only_the_command_center_of_the_region_imports_or_sees_imports(
    client, operator, other_operator, tangerang
):
    client.force_login(operator.user)
    _upload(client, "a.csv", _csv(_rows(tangerang, 2)))
    batch = LaporImport.objects.get()
    for user in (staff("pimpinan-lapor", tangerang, "viewer").user, other_operator.user):
        client.force_login(user)
        expected = 403 if user.username == "pimpinan-lapor" else 404
        assert client.get(URL).status_code == expected
        assert client.get(f"{URL}{batch.pk}/").status_code == expected
        assert _upload(client, "b.csv", _csv(_rows(tangerang, 2, start=9))).status_code == expected
    assert LaporImport.objects.count() == 1
    # Kota Contoh's operator has a console of their own: Tangerang's import id is not there.
    client.force_login(other_operator.user)
    assert client.get(f"/kota-contoh/console/sp4n-lapor/{batch.pk}/").status_code == 404


def test_the_progress_fragment_polls_until_done(client, operator, tangerang):
    client.force_login(operator.user)
    _upload(client, "a.csv", _csv(_rows(tangerang, 3)))
    batch = LaporImport.objects.get()
    queued = client.get(f"{URL}{batch.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 1s"' in queued and 'value="0"' in queued
    services.run_import(batch.pk)
    done = client.get(f"{URL}{batch.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in done and 'value="3"' in done


def test_the_command_imports_a_file_at_once(tmp_path, operator, tangerang, capsys):
    path = tmp_path / "lapor.xlsx"
    path.write_bytes(_xlsx(_rows(tangerang, 5)))
    call_command("lapor", "import", str(path), region="kota-tangerang", user=operator.user.username)
    assert "5 new complaints" in capsys.readouterr().out
    call_command("lapor", "import", str(path), region="kota-tangerang", user=operator.user.username)
    assert "5 imported before" in capsys.readouterr().out
    assert Complaint.objects.filter(channel="lapor").count() == 5
    assert load_workbook(path).active.max_row == 6  # the file itself is left as it was
