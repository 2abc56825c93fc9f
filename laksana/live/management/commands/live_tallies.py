from django.core.management.base import BaseCommand

from laksana.live.services import rebuild_tallies
from laksana.regions.models import Region


class Command(BaseCommand):
    help = "Recount the live room's counters from the event table (after importing old data)."

    def add_arguments(self, parser):
        parser.add_argument("--region", help="Region slug (default: every region)")

    def handle(self, *args, region=None, **options):
        regions = Region.objects.filter(slug=region) if region else Region.objects.all()
        for r in regions:
            self.stdout.write(f"{r.slug}: {rebuild_tallies(r)} events counted")
