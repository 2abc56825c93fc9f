"""Adoption: a kabupaten/kota taken from the national list and set up like a template region.

`adopt()` writes the region folder that `laksana region load` reads (region.json, boundaries,
agencies, categories, policy) and loads it with the same loaders, so an adopted region has exactly
the rows a hand-written folder would give. Its steps:

1. the region from the national data (national.py): name, kind, time zone, kecamatan, desa/kelurahan
   and boundaries (desa/kelurahan boundaries from a file when given, else approximate by centroid);
2. its agencies from the standard set for its kind (data/adoption/agencies_<kind>.csv), one row
   per agency plus one per kecamatan and per desa/kelurahan where the set says so;
3. the template's categories, each sent to the new agency with the same function as its agency in
   the template (by code when the template's agency names none), and the template's deadline
   policy and calendar (its own declared days off are not copied);
4. the folder is loaded in one transaction; a snapshot before and after says what changed (and a
   dry run rolls it back); agencies and categories that exist already are left as they are, so a
   region admin's edits survive a second run;
5. an invitation for the region's first admin, unless it has one or one is still open.
"""

import csv
import json
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils.text import slugify

from laksana.agencies.models import Agency, Category, Membership, Role
from laksana.agencies.services import load_catalogue
from laksana.sla.models import CategoryPolicy, EscalationLevel, RegionPolicy
from laksana.sla.services.policy import DUTY_FIELDS, STAGE_FIELDS, load_policy

from . import national
from .models import Area, Region
from .services import load_region

STANDARD_DIR = Path(settings.BASE_DIR) / "data" / "adoption"
REGIONS_DIR = Path(settings.BASE_DIR) / "data" / "regions"
DEFAULT_TEMPLATE = "kota-tangerang"
CATEGORY_COLUMNS = [
    "code",
    "name",
    "default_agency",
    "group",
    "emergency",
    "description",
    "keywords",
    "public",
]
PREFIX_PATTERN = re.compile(r"^[A-Z][A-Z0-9]{1,7}$")


class AdoptionError(ValueError):
    pass


@dataclass
class Template:
    """What a new region copies: agencies (code -> functions), categories, attributes, policy."""

    source: str
    agency_functions: dict[str, list[str]]
    categories: list[dict]
    attributes: dict[str, list]
    policy: dict


@dataclass
class Change:
    created: int = 0
    changed: int = 0
    unchanged: int = 0

    def __str__(self) -> str:
        parts = [f"{n} {word}" for n, word in ((self.created, "new"), (self.changed, "changed"))]
        parts.append(f"{self.unchanged} unchanged")
        return ", ".join(p for p in parts if not p.startswith("0 ")) or "none"


@dataclass
class Adoption:
    region: Region | None
    data: national.RegionData
    template: str
    slug: str
    prefix: str
    changes: dict[str, Change] = field(default_factory=dict)
    unmapped: list[str] = field(default_factory=list)  # template categories left without agency
    located: int = 0  # desa/kelurahan with a boundary, after the adoption
    approximate: int = 0  # without one: located by nearest centroid
    invitation_link: str = ""
    invitation_note: str = ""
    dry_run: bool = False

    @property
    def changed(self) -> bool:
        return any(c.created or c.changed for c in self.changes.values())

    def report(self) -> list[str]:
        """What was (or in a dry run would be) done, as the command prints and the admin shows."""
        data = self.data
        lines = [
            f"{data.name} ({data.kind}, {data.province}), code {data.code}: slug {self.slug}, "
            f"tracking prefix {self.prefix}, time zone {data.timezone}"
        ]
        lines += [f"  {kind}: {change}" for kind, change in self.changes.items()]
        boundaries = (
            f"  desa/kelurahan boundaries: {self.located} of {self.located + self.approximate}"
        )
        if self.approximate:
            boundaries += f"; {self.approximate} located by nearest centroid (approximate)"
        lines.append(boundaries)
        if data.repaired:
            lines.append(f"  invalid boundary polygons repaired: {data.repaired}")
        lines.append(f"  categories and deadlines copied from {self.template}")
        if self.unmapped:
            lines.append(
                "  without an agency of the same function (operators choose at dispatch): "
                + ", ".join(self.unmapped)
            )
        if self.invitation_link:
            lines.append(f"  admin invitation (valid 7 days, works once): {self.invitation_link}")
        elif self.invitation_note:
            lines.append(f"  admin invitation: {self.invitation_note}")
        if self.dry_run:
            lines.append(
                "Dry run: nothing was saved." + ("" if self.changed else " Nothing would change.")
            )
        elif not self.changed:
            lines.append("Nothing changed: the region was adopted already.")
        return lines


# -- the template -----------------------------------------------------------------------------


def read_template(source: str = DEFAULT_TEMPLATE) -> Template:
    """A region in the database by slug, else a region folder (a path, or a name under
    data/regions/), else a file of `laksana region export`."""
    region = Region.objects.filter(slug=source).first()
    if region is not None:
        return _template_from_region(region)
    if source.endswith(".json") and Path(source).is_file():
        from .transfer import template_from_export

        return template_from_export(json.loads(Path(source).read_text(encoding="utf-8")))
    for folder in (Path(source), REGIONS_DIR / source):
        if (folder / "region.json").is_file():
            return _template_from_folder(folder)
    raise AdoptionError(f"template {source!r}: no such region, nor a region folder")


def _template_from_region(region: Region) -> Template:
    agencies = {
        code: functions.split()
        for code, functions in Agency.objects.filter(region=region).values_list("code", "functions")
    }
    categories = [
        {
            "code": c.code,
            "name": c.name,
            "default_agency": c.default_agency.code if c.default_agency else "",
            "group": c.group,
            "emergency": "1" if c.is_emergency else "",
            "description": c.description,
            "keywords": c.keywords,
            "public": "1" if c.is_public else "0",
        }
        for c in Category.objects.filter(region=region, is_active=True).select_related(
            "default_agency"
        )
    ]
    attributes = {
        c.code: c.attributes for c in Category.objects.filter(region=region) if c.attributes
    }
    policy = {}
    saved = RegionPolicy.objects.filter(region=region).first()
    if saved is not None:
        policy = {name: getattr(saved, name) for name in STAGE_FIELDS}
        policy |= {"weekend": saved.weekend, "national_holidays": saved.national_holidays}
        for name in ("office_start", "office_end", *DUTY_FIELDS):
            value = getattr(saved, name)
            policy[name] = value.strftime("%H:%M") if value else None
        policy["escalation"] = [
            {"level": lv.level, "after_minutes": lv.after_minutes, "notify": lv.notify}
            for lv in EscalationLevel.objects.filter(policy=saved).order_by("level")
        ]
        policy["categories"] = {
            cp.category.code: {
                name: getattr(cp, name) for name in STAGE_FIELDS if getattr(cp, name) is not None
            }
            for cp in CategoryPolicy.objects.filter(region=region).select_related("category")
        }
    return Template(region.slug, agencies, categories, attributes, policy)


def _template_from_folder(folder: Path) -> Template:
    manifest = json.loads((folder / "region.json").read_text(encoding="utf-8"))
    agencies = {
        row["code"]: (row.get("functions") or "").split()
        for row in _csv(folder / manifest["agencies"])
    }
    attributes = {}
    if manifest.get("attributes"):
        attributes = json.loads((folder / manifest["attributes"]).read_text(encoding="utf-8"))
        attributes.pop("_note", None)
    policy = {}
    if manifest.get("policy"):
        policy = json.loads((folder / manifest["policy"]).read_text(encoding="utf-8"))
    return Template(
        manifest["slug"], agencies, _csv(folder / manifest["categories"]), attributes, policy
    )


def _csv(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


# -- the new region's catalogue ---------------------------------------------------------------


def standard_agencies(data: national.RegionData) -> list[dict]:
    """The standard set for the region's kind, with one row per kecamatan or desa/kelurahan for
    the set's rows that say `per`."""
    rows = []
    areas = {
        "kecamatan": data.kecamatan,
        # The fourth code level: 1xxx a kelurahan, 2xxx a desa.
        "kelurahan": [f for f in data.kelurahan if f["properties"]["kode"].split(".")[3][0] == "1"],
        "desa": [f for f in data.kelurahan if f["properties"]["kode"].split(".")[3][0] == "2"],
    }
    for row in _csv(STANDARD_DIR / f"agencies_{data.kind}.csv"):
        targets = areas[row["per"]] if row["per"] else [None]
        for feature in targets:
            values = {"region": data.name}
            if feature is not None:
                values |= {
                    "kode": feature["properties"]["kode"],
                    "area": feature["properties"]["nama"],
                }
            rows.append(
                {
                    "code": row["code"].format(**values),
                    "short_name": row["short_name"].format(**values),
                    "name": row["name"].format(**values),
                    "kind": row["kind"],
                    "functions": row["functions"],
                }
            )
    return rows


def remap_categories(template: Template, agencies: list[dict]) -> tuple[list[dict], list[str]]:
    """The template's categories with their default agency replaced by the new region's agency
    of the same function (the first function of the template's agency that the new region has),
    else of the same code; the codes of categories left without one."""
    by_function: dict[str, str] = {}
    for agency in agencies:
        for function in agency["functions"].split():
            by_function.setdefault(function, agency["code"])
    codes = {a["code"] for a in agencies}
    categories, unmapped = [], []
    for category in template.categories:
        old = category.get("default_agency") or ""
        new = next(
            (by_function[f] for f in template.agency_functions.get(old, []) if f in by_function),
            old if old in codes else "",
        )
        if old and not new:
            unmapped.append(category["code"])
        categories.append(category | {"default_agency": new})
    return categories, unmapped


# -- naming -----------------------------------------------------------------------------------


def derive_prefix(name: str, taken: set[str]) -> str:
    """A tracking-number prefix from the region's name, unique among `taken`.

    One word: its first letter and next consonants (Tangerang: TNG); two: the first's initial,
    the second's initial and its next consonant (Luwu Timur: LTM); more: the first three
    initials. Taken: the same with a number (TNG2, TNG3, …)."""
    words = [re.sub(r"[^A-Z]", "", w) for w in name.upper().split()[1:]]
    words = [w for w in words if w] or ["X"]

    def consonants(word: str) -> str:
        return word[0] + "".join(c for c in word[1:] if c not in "AEIOU")

    if len(words) == 1:
        base = consonants(words[0])[:3]
    elif len(words) == 2:
        base = words[0][0] + consonants(words[1])[:2]
    else:
        base = "".join(w[0] for w in words[:3])
    base = base.ljust(3, "X")
    for n in range(1, 1000):
        candidate = base if n == 1 else f"{base}{n}"
        if candidate not in taken:
            return candidate
    raise AdoptionError(f"no free tracking prefix for {name}")


# -- adopting ---------------------------------------------------------------------------------


def adopt(
    *,
    code: str,
    template: str = DEFAULT_TEMPLATE,
    kelurahan_boundaries: Path | None = None,
    slug: str | None = None,
    prefix: str | None = None,
    admin_email: str = "",
    reinvite: bool = False,
    base_url: str = "",
    dry_run: bool = False,
) -> Adoption:
    """Build (or complete) the region with this code; see the module's docstring for the steps."""
    try:
        data = national.region_data(code, kelurahan_boundaries=kelurahan_boundaries)
    except national.UnknownArea as error:
        raise AdoptionError(str(error)) from None
    existing = Region.objects.filter(code=code).first()
    slug, prefix = _names(data, existing, slug=slug, prefix=prefix)
    source = read_template(template)
    if source.source == slug:
        raise AdoptionError(f"{slug}: a region cannot be its own template")
    agencies = standard_agencies(data)
    categories, unmapped = remap_categories(source, agencies)
    result = Adoption(None, data, source.source, slug, prefix, unmapped=unmapped, dry_run=dry_run)
    with tempfile.TemporaryDirectory(prefix="laksana-adopt-") as tmp:
        folder = Path(tmp)
        _write_folder(folder, data, source, slug, prefix, agencies, categories, existing)
        with transaction.atomic():
            before = snapshot(existing)
            region = load_region(folder)
            load_catalogue(region, folder)
            load_policy(region, folder)
            result.changes = compare(before, snapshot(region))
            result.region = region
            kelurahan = Area.objects.filter(region=region, level=Area.Level.KELURAHAN)
            result.approximate = kelurahan.filter(approximate=True).count()
            result.located = kelurahan.count() - result.approximate
            _invite_admin(result, email=admin_email, reinvite=reinvite, base_url=base_url)
            if dry_run:
                transaction.set_rollback(True)
    return result


def _names(data, existing: Region | None, *, slug: str | None, prefix: str | None):
    if existing is not None:
        for asked, kept, what in (
            (slug, existing.slug, "slug"),
            (prefix, existing.tracking_prefix, "prefix"),
        ):
            if asked and asked != kept:
                raise AdoptionError(
                    f"{data.code} is adopted already as {existing.slug} with {what} {kept!r}"
                )
        return existing.slug, existing.tracking_prefix
    slug = slug or slugify(data.name)
    if Region.objects.filter(slug=slug).exists():
        raise AdoptionError(f"slug {slug!r} is another region's: choose one with --slug")
    taken = set(Region.objects.values_list("tracking_prefix", flat=True))
    if prefix:
        prefix = prefix.upper()
        if not PREFIX_PATTERN.match(prefix):
            raise AdoptionError(
                f"prefix {prefix!r}: 2 to 8 letters or digits, starting with a letter"
            )
        if prefix in taken:
            raise AdoptionError(f"prefix {prefix!r} is another region's")
        return slug, prefix
    return slug, derive_prefix(data.name, taken)


def _write_folder(folder, data, template, slug, prefix, agencies, categories, existing):
    """The region folder `region load` would read, without the agencies and categories the
    region has already."""
    have_agencies, have_categories = set(), set()
    if existing is not None:
        have_agencies = set(Agency.objects.filter(region=existing).values_list("code", flat=True))
        have_categories = set(
            Category.objects.filter(region=existing).values_list("code", flat=True)
        )
    manifest = {
        "slug": slug,
        "name": data.name,
        "code": data.code,
        "timezone": data.timezone,
        "tracking_prefix": prefix,
        "boundary": "boundary.geojson",
        "kecamatan": "kecamatan.geojson",
        "kelurahan": "kelurahan.geojson",
        "agencies": "agencies.csv",
        "categories": "categories.csv",
        "attributes": "attributes.json",
        "policy": "policy.json",
    }
    if data.boundary["geometry"] is None:
        del manifest["boundary"]
    _json(folder / "region.json", manifest)
    _json(folder / "boundary.geojson", _collection([data.boundary]))
    _json(folder / "kecamatan.geojson", _collection(data.kecamatan))
    _json(folder / "kelurahan.geojson", _collection(data.kelurahan))
    _write_csv(
        folder / "agencies.csv",
        ["code", "short_name", "name", "kind", "functions"],
        [a for a in agencies if a["code"] not in have_agencies],
    )
    _write_csv(
        folder / "categories.csv",
        CATEGORY_COLUMNS,
        [c for c in categories if c["code"] not in have_categories],
    )
    _json(folder / "attributes.json", template.attributes)
    _json(folder / "policy.json", template.policy)


def _collection(features: list[dict]) -> dict:
    return {"type": "FeatureCollection", "features": features}


def _json(path: Path, value) -> None:
    path.write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8")


def _write_csv(path: Path, columns: list[str], rows: list[dict]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)


# -- what changed -----------------------------------------------------------------------------

SNAPSHOT_EXCLUDE = {"id", "complaint_seq", "created_at", "updated_at"}


def snapshot(region: Region | None) -> dict[str, dict]:
    """The region's configuration rows, keyed by kind and natural key, to compare two states."""
    if region is None:
        return {}
    region.refresh_from_db()

    def rows(qs, key):
        return {
            key(r): {k: v for k, v in r.items() if k not in SNAPSHOT_EXCLUDE} for r in qs.values()
        }

    areas = Area.objects.filter(region=region)
    return {
        "region": rows(Region.objects.filter(pk=region.pk), lambda r: r["code"]),
        "kecamatan": rows(areas.filter(level=Area.Level.KECAMATAN), lambda r: r["code"]),
        "desa/kelurahan": rows(areas.filter(level=Area.Level.KELURAHAN), lambda r: r["code"]),
        "agencies": rows(Agency.objects.filter(region=region), lambda r: r["code"]),
        "categories": rows(Category.objects.filter(region=region), lambda r: r["code"]),
        "deadline policy": rows(RegionPolicy.objects.filter(region=region), lambda r: "policy"),
        "escalation levels": rows(
            EscalationLevel.objects.filter(policy_id=region.pk), lambda r: r["level"]
        ),
        "category deadlines": rows(
            CategoryPolicy.objects.filter(region=region), lambda r: r["category_id"]
        ),
    }


def compare(before: dict[str, dict], after: dict[str, dict]) -> dict[str, Change]:
    changes = {}
    for kind, rows in after.items():
        old = before.get(kind, {})
        change = Change()
        for key, values in rows.items():
            if key not in old:
                change.created += 1
            elif old[key] != values:
                change.changed += 1
            else:
                change.unchanged += 1
        changes[kind] = change
    return changes


# -- the first admin --------------------------------------------------------------------------


def _invite_admin(result: Adoption, *, email: str, reinvite: bool, base_url: str) -> None:
    from django.urls import reverse

    from laksana.accounts import staffing

    region = result.region
    if Membership.objects.filter(region=region, role=Role.REGION_ADMIN).exists() and not reinvite:
        result.invitation_note = "the region has an admin already"
        return
    open_ones = staffing.open_admin_invitations(region)
    if open_ones and not reinvite:
        result.invitation_note = (
            f"an admin invitation is open until {open_ones[0].expires_at:%Y-%m-%d} "
            "(--reinvite replaces it with a new link)"
        )
        return
    invited = staffing.invite_first_admin(region=region, email=email, replace=reinvite)
    path = reverse(
        "console:invitation", kwargs={"region_slug": region.slug, "token": invited.token}
    )
    result.invitation_link = base_url.rstrip("/") + path
    result.changes["admin invitation"] = Change(created=1)
