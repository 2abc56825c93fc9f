"""English is complete for what citizens read: every msgid in the en catalogues of the portal
and project templates has an English msgstr, and portal pages in English show none of
the portal's Indonesian msgids."""

import re
from pathlib import Path

import pytest

from laksana.testing.personas import IN_TANGERANG

ROOT = Path(__file__).resolve().parents[2]
CATALOGUES = [
    ROOT / "portal/locale/en/LC_MESSAGES/django.po",
    ROOT / "locale/en/LC_MESSAGES/django.po",
]


def _entries(po: Path) -> list[tuple[str, list[str]]]:
    """(msgid, msgstrs) for every entry, without a PO library: joined quoted lines."""
    entries = []
    for block in po.read_text(encoding="utf-8").split("\n\n"):
        lines = [line for line in block.splitlines() if not line.startswith("#")]
        parts: dict[str, str] = {}
        key = None
        for line in lines:
            m = re.match(r'^(msgid|msgid_plural|msgstr(?:\[\d\])?) "(.*)"$', line)
            if m:
                key = m.group(1)
                parts[key] = m.group(2)
            elif key and line.startswith('"'):
                parts[key] += line[1:-1]
        if parts.get("msgid"):
            entries.append(
                (parts["msgid"], [v for k, v in parts.items() if k.startswith("msgstr")])
            )
    return entries


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_msgid_has_an_english_msgstr(po):
    missing = [msgid for msgid, strs in _entries(po) if not strs or not all(strs)]
    assert missing == []


@pytest.mark.django_db
def test_portal_pages_in_english_show_no_indonesian_msgid(
    client, tangerang, submit, operator, pupr
):
    from laksana.complaints import services

    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    complaint, token = submit(lat=IN_TANGERANG[0], lng=IN_TANGERANG[1])
    unpublished, unpublished_token = submit(description="Lampu jalan mati sejak tiga hari.")
    complaint = services.dispose(
        staff=operator, complaint=services.verify(staff=operator, complaint=complaint)
    )
    complaint = services.accept(staff=pupr, complaint=complaint)
    services.respond(staff=pupr, complaint=complaint, text="Sedang kami periksa di lapangan.")
    pages = [
        "/kota-tangerang/",
        "/kota-tangerang/lapor/",
        "/kota-tangerang/lacak/",
        f"/kota-tangerang/lapor/terkirim/{unpublished_token}/",  # the confirmation
        f"/kota-tangerang/lacak/{unpublished_token}/",  # tracking before verification
        f"/kota-tangerang/lacak/{token}/",  # tracking with an agency's answer
        "/kota-tangerang/laporan/",
        f"/kota-tangerang/laporan/{complaint.number}/",
        "/kota-tangerang/tidak-ada/",
    ]
    msgids = {  # the portal's and the project's (shared templates, error pages, services)
        msgid
        for po in CATALOGUES
        for msgid, _strs in _entries(po)
        if len(msgid) > 12 and "%" not in msgid and "{" not in msgid
    }
    for path in pages:
        response = client.get(path)
        assert response.status_code == (404 if "tidak-ada" in path else 200), path
        body = response.content.decode()
        shown = sorted(m for m in msgids if m in body)
        assert shown == [], path
    assert "Report" in client.get("/kota-tangerang/").content.decode()
