from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from laksana.agencies.services import load_catalogue
from laksana.regions.models import Area
from laksana.regions.services import load_region
from laksana.sla.services.policy import load_policy


class Command(BaseCommand):
    help = "Manage regions. `region load DIR` creates or updates a region from its data folder."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load", help="Load region.json, areas, agencies and categories")
        load.add_argument("directory")

    def handle(self, *args, action, directory=None, **options):
        path = Path(directory)
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
