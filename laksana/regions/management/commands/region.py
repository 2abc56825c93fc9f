import json
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from laksana.agencies.services import load_catalogue
from laksana.common.errors import DomainError
from laksana.conf import env, env_list
from laksana.regions.models import Area, Region
from laksana.regions.services import load_region
from laksana.sla.services.policy import load_policy


class Command(BaseCommand):
    help = (
        "Manage regions. `region load DIR` creates or updates a region from its data folder; "
        "`region adopt --code 73.24` builds one of Indonesia's kabupaten/kota from the national "
        "data, set up like a template region."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load", help="Load region.json, areas, agencies and categories")
        load.add_argument("directory")
        export = sub.add_parser(
            "export", help="Print a region's configuration as JSON (no complaints, no people)"
        )
        export.add_argument("slug")
        imported = sub.add_parser("import", help="Create or update a region from an export")
        imported.add_argument("file", type=Path)
        imported.add_argument("--slug", help="another URL name")
        imported.add_argument("--prefix", help="another tracking prefix")
        adopt = sub.add_parser(
            "adopt",
            help="Build a kabupaten/kota from the national data (idempotent)",
            description="Build a complete region from data/indonesia: areas and boundaries, "
            "time zone, the standard agencies for its kind, the template's categories "
            "re-mapped to them, its deadline policy and calendar, and an admin invitation.",
        )
        adopt.add_argument("--code", required=True, help="Kemendagri code, e.g. 73.24")
        adopt.add_argument(
            "--from",
            dest="template",
            default="kota-tangerang",
            help="template: a region's slug, or a region folder (default: kota-tangerang)",
        )
        adopt.add_argument(
            "--kelurahan-boundaries",
            type=Path,
            help="GeoJSON (or .geojson.gz) of desa/kelurahan boundaries with a `kode` property; "
            "without it they are located by nearest centroid (approximate)",
        )
        adopt.add_argument("--slug", help="URL name (default: from the name, kabupaten-…)")
        adopt.add_argument("--prefix", help="tracking-number prefix (default: from the name)")
        adopt.add_argument("--admin-email", default="", help="e-mail of the region's first admin")
        adopt.add_argument(
            "--reinvite",
            action="store_true",
            help="revoke an open admin invitation, make a new one",
        )
        adopt.add_argument(
            "--base-url", help="site address for the invitation link (default: from settings)"
        )
        adopt.add_argument(
            "--dry-run", action="store_true", help="say what would change, save nothing"
        )

    def handle(self, *args, action, **options):
        if action == "adopt":
            return self.adopt(**options)
        if action == "export":
            return self.export(options["slug"])
        if action == "import":
            return self.import_(options["file"], slug=options["slug"], prefix=options["prefix"])
        path = Path(options["directory"])
        if not (path / "region.json").is_file():
            raise CommandError(f"{path}: no region.json here")
        region = load_region(path)
        agencies, categories = load_catalogue(region, path)
        load_policy(region, path)
        kec = Area.objects.filter(region=region, level="kecamatan").count()
        kel = Area.objects.filter(region=region, level="kelurahan").count()
        self.stdout.write(
            f"{region.name} ({region.slug}): {kec} kecamatan, {kel} kelurahan, "
            f"{agencies} agencies, {categories} categories"
        )

    def export(self, slug: str) -> None:
        from laksana.regions.transfer import export_region

        region = Region.objects.filter(slug=slug).first()
        if region is None:
            raise CommandError(f"{slug}: no such region")
        self.stdout.write(json.dumps(export_region(region), ensure_ascii=False, indent=1))

    def import_(self, path: Path, *, slug: str | None, prefix: str | None) -> None:
        from laksana.regions.adoption import AdoptionError
        from laksana.regions.transfer import import_region

        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            region = import_region(data, slug=slug, prefix=prefix)
        except (OSError, ValueError, KeyError, AdoptionError) as error:
            raise CommandError(f"{path}: {error}") from None
        kec = Area.objects.filter(region=region, level="kecamatan").count()
        kel = Area.objects.filter(region=region, level="kelurahan").count()
        self.stdout.write(
            f"{region.name} ({region.slug}): {kec} kecamatan, {kel} desa/kelurahan, "
            f"{region.agencies.count()} agencies, {region.categories.count()} categories"
        )

    def adopt(
        self,
        *,
        code,
        template,
        kelurahan_boundaries,
        slug,
        prefix,
        admin_email,
        reinvite,
        base_url,
        dry_run,
        **_options,
    ):
        from laksana.regions.adoption import AdoptionError, adopt

        if kelurahan_boundaries is not None and not kelurahan_boundaries.is_file():
            raise CommandError(f"{kelurahan_boundaries}: no such file")
        started = time.monotonic()
        try:
            result = adopt(
                code=code,
                template=template,
                kelurahan_boundaries=kelurahan_boundaries,
                slug=slug,
                prefix=prefix,
                admin_email=admin_email,
                reinvite=reinvite,
                base_url=base_url or _site_url(),
                dry_run=dry_run,
            )
        except (AdoptionError, DomainError) as error:
            raise CommandError(str(getattr(error, "detail", error))) from None
        for line in result.report():
            self.stdout.write(line)
        if not dry_run:
            from laksana.routing.models import RoutingModel
            from laksana.routing.services import train

            # Day one: the starter corpus mapped to the new region's agencies (issue 19).
            if not RoutingModel.objects.filter(region=result.region).exists():
                trained = train(result.region)
                self.stdout.write(f"  routing suggestions: {len(trained)} model(s) trained")
        self.stdout.write(f"  ({time.monotonic() - started:.1f} s)")


def _site_url() -> str:
    origins = env_list("CSRF_TRUSTED_ORIGINS")
    return origins[0] if origins else f"http://{env('HOST')}:{env('PORT')}"
