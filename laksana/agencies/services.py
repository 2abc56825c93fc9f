"""Agencies, categories, routing rules and who may do what in a region."""

import csv
import json
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction
from django.utils.translation import gettext as _

from laksana.common.configcache import ConfigCache
from laksana.common.errors import NotFound, ValidationFailed
from laksana.regions.models import Area, Region

from .models import AGENCY_ROLES, Agency, AreaRule, Category, Membership, Role

# Categories whose resolution is field work: the agency must attach a photo as evidence.
FIELD_WORK_GROUPS = {"Infrastruktur", "Lingkungan", "Bencana"}


@transaction.atomic
def load_catalogue(region: Region, directory: Path) -> tuple[int, int]:
    """Upsert a region's agencies and categories from the CSV files named in region.json.

    Columns beyond the required ones are optional: an agency's `functions`; a category's
    `description`, `keywords` and `public` (0 keeps it from citizens and Open311)."""
    directory = Path(directory)
    manifest = json.loads((directory / "region.json").read_text(encoding="utf-8"))
    agencies = {}
    with open(directory / manifest["agencies"], encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            agencies[row["code"]], _c = Agency.objects.update_or_create(
                region=region,
                code=row["code"],
                defaults={
                    "short_name": row["short_name"],
                    "name": row["name"],
                    "kind": row["kind"],
                    **({"functions": row["functions"]} if "functions" in row else {}),
                },
            )
    attributes = {}
    if manifest.get("attributes"):
        attributes = json.loads((directory / manifest["attributes"]).read_text(encoding="utf-8"))
    count = 0
    with open(directory / manifest["categories"], encoding="utf-8") as fh:
        for order, row in enumerate(csv.DictReader(fh)):
            default = agencies.get(row["default_agency"])
            if default is None and row["default_agency"]:  # one the region has already
                default = Agency.objects.filter(region=region, code=row["default_agency"]).first()
            if row["default_agency"] and default is None:
                raise ValidationFailed(
                    f"categories: unknown agency {row['default_agency']!r} for {row['code']}"
                )
            Category.objects.update_or_create(
                region=region,
                code=row["code"],
                defaults={
                    "name": row["name"],
                    "group": row.get("group", ""),
                    "default_agency": default,
                    "order": order,
                    "needs_photo_to_resolve": row.get("group") in FIELD_WORK_GROUPS,
                    # The region's data says which categories are emergencies, not their names.
                    "is_emergency": _yes(row.get("emergency")),
                    "attributes": attributes.get(row["code"], []),
                    **{
                        name: row[name] or "" for name in ("description", "keywords") if name in row
                    },
                    **({"is_public": _yes(row["public"])} if "public" in row else {}),
                },
            )
            count += 1
    return len(agencies), count


# Categories (with their default agency) kept per process: see laksana.common.configcache.
CATEGORIES = ConfigCache("categories", models=("agencies.Category", "agencies.Agency"))


def _yes(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "ya", "yes", "true"}


def get_category(region: Region, code: str, *, public_only: bool = False) -> Category:
    """An active category of the region by code, as this process last read it (at most
    CONFIG_SECONDS ago; at once after a change in this process). Read it, never change it."""

    def load():
        qs = Category.objects.filter(region=region, code=code, is_active=True)
        if public_only:
            qs = qs.filter(is_public=True)
        return qs.select_related("default_agency").first()

    category = CATEGORIES.get((region.pk, code, public_only), load)
    if category is None:
        raise ValidationFailed(
            _("Kategori '%(code)s' tidak dikenal.") % {"code": code},
            code="unknown_category",
            fields={"category": code},
        )
    return category


def get_agency(region: Region, code: str) -> Agency:
    agency = Agency.objects.filter(region=region, code=code, is_active=True).first()
    if agency is None:
        raise ValidationFailed(
            _("OPD '%(code)s' tidak dikenal.") % {"code": code},
            code="unknown_agency",
            fields={"agency": code},
        )
    return agency


def suggest_agency(category: Category, area: Area | None) -> Agency | None:
    """The agency a complaint should go to: an area rule (kelurahan, then its kecamatan) else the
    category's default agency."""
    if area is not None:
        for candidate in (area, area.parent):
            if candidate is None:
                continue
            rule = AreaRule.objects.filter(category=category, area=candidate).first()
            if rule is not None:
                return rule.agency
    return category.default_agency


@dataclass(frozen=True)
class Staff:
    """A signed-in person acting in one region, with every role they hold there."""

    user: AbstractBaseUser
    region: Region
    roles: frozenset[str]
    agency_roles: dict[int, frozenset[str]] = field(default_factory=dict)

    def has(self, *roles: str) -> bool:
        return any(r in self.roles for r in roles)

    def has_in_agency(self, agency_id: int | None, *roles: str) -> bool:
        return agency_id is not None and any(
            r in self.agency_roles.get(agency_id, ()) for r in roles
        )

    @property
    def agency_ids(self) -> set[int]:
        return set(self.agency_roles)

    @property
    def sees_whole_region(self) -> bool:
        return self.has(Role.REGION_ADMIN, Role.OPERATOR, Role.VIEWER, Role.AUDITOR)

    @property
    def sees_personal_data(self) -> bool:
        return self.has(Role.REGION_ADMIN, Role.OPERATOR, Role.AUDITOR) or bool(
            {Role.AGENCY_ADMIN, Role.AGENCY_STAFF} & set().union(*self.agency_roles.values())
        )


def staff_at(user: AbstractBaseUser | AnonymousUser, region_slug: str) -> Staff:
    """The user's roles in the region a URL names: 404 for an unknown region and for a user with
    no role there. Every staff page and API starts here."""
    from laksana.regions.services import get_region

    return staff_in(user, get_region(region_slug))


def staff_in(user: AbstractBaseUser | AnonymousUser, region: Region) -> Staff:
    """The user's roles in the region; a user with none gets 404, as if the region's data did not
    exist for them (never tell an outsider what is there)."""
    if not user or not user.is_authenticated:
        raise NotFound(_("Tidak ditemukan."))
    roles: set[str] = set()
    agency_roles: dict[int, set[str]] = {}
    for role, agency_id in Membership.objects.filter(user=user, region=region).values_list(
        "role", "agency_id"
    ):
        if role in AGENCY_ROLES:
            agency_roles.setdefault(agency_id, set()).add(role)
        else:
            roles.add(role)
    if not roles and not agency_roles:
        raise NotFound(_("Tidak ditemukan."))
    return Staff(
        user=user,
        region=region,
        roles=frozenset(roles),
        agency_roles={k: frozenset(v) for k, v in agency_roles.items()},
    )
