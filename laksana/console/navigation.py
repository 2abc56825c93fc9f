"""The one staff menu: every staff page (console, field work, roster, live desk, API keys) shows
the places the person's roles in the region use, and sign-out.

Roles and their places:
- region admin, operator: the console's queues, recording reports taken by phone, letter or
  walk-in, importing SP4N-LAPOR! exports, field work, officers, roster, the wall;
  the admin also the new region's checklist, staff, reply templates and API keys;
- agency admin, liaison: the agency desk and its live desk, field work, officers, roster;
- field officer: their tasks and the roster (squads);
- viewer (leader), auditor: the console's overview, list and statistics, the wall, the roster.
"""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _

from laksana.agencies.models import Agency, Role
from laksana.agencies.services import Staff

from .access import CONSOLE_ROLES, HANDLERS, OPERATORS, handles_any_agency

WATCHERS = (*OPERATORS, Role.VIEWER, Role.AUDITOR)


@dataclass(frozen=True)
class Place:
    url: str
    label: str
    current: bool


def places(staff: Staff, path: str) -> list[Place]:
    slug = staff.region.slug
    found: list[tuple[str, str]] = []

    def add(name: str, label: str, **kwargs) -> None:
        found.append((reverse(name, kwargs={"region_slug": slug, **kwargs}), label))

    console = staff.has(*CONSOLE_ROLES) or handles_any_agency(staff)
    operator = staff.has(*OPERATORS)
    handler = handles_any_agency(staff)
    if console:
        add("console:home", _("Ringkasan"))
    if operator:
        add("console:inbox", _("Kotak masuk"))
        add("console:ready", _("Siap disposisi"))
        add("console:record", _("Catat laporan"))
        add("lapor:imports", _("Impor SP4N-LAPOR!"))
    if handler:
        add("console:desk", _("Meja OPD"))
        handled = [a for a in staff.agency_ids if staff.has_in_agency(a, *HANDLERS)]
        for agency in Agency.objects.filter(pk__in=handled).only("code", "short_name"):
            label = _("Meja langsung %(agency)s") % {"agency": agency.short_name}
            add("live:desk", label, agency_code=agency.code)
    if console:
        add("console:complaints", _("Semua laporan"))
        add("reports:performance", _("Statistik"))
    if staff.has(Role.REGION_ADMIN, Role.VIEWER, Role.AUDITOR):
        add("routing:usage", _("Saran rute"))
    if operator or handler:
        add("dispatch:home", _("Lapangan"))
        add("dispatch:officers", _("Petugas"))
    elif any(Role.FIELD_OFFICER in roles for roles in staff.agency_roles.values()):
        add("dispatch:home", _("Tugas saya"))
    add("dispatch:roster", _("Piket"))
    if staff.has(*WATCHERS):
        add("live:wall", _("Ruang kendali"))
    if operator:
        add("console:rejection_templates", _("Alasan penolakan"))
    if staff.has(Role.REGION_ADMIN) or handles_any_agency(staff, Role.AGENCY_ADMIN):
        add("console:response_templates", _("Templat tanggapan"))
    if staff.has(Role.REGION_ADMIN):
        add("console:onboarding", _("Persiapan"))
        add("console:staff", _("Staf"))
        add("open311_console:keys", _("Kunci API"))
    current = _current(path, [url for url, _label in found])
    return [Place(url, label, url == current) for url, label in found]


def _current(path: str, urls: list[str]) -> str | None:
    """The place this page belongs to: the longest menu address the path starts with (a
    complaint's page under "Semua laporan", a task under the officer's tasks)."""
    matching = [u for u in urls if path == u or path.startswith(u)]
    return max(matching, key=len, default=None)
