"""`laksana lapor import --region SLUG --user USERNAME FILE`: import an SP4N-LAPOR! export at once
(the console's upload does the same through the worker); `laksana lapor run ID` finishes an
import whose job was lost."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from laksana.agencies.services import staff_in
from laksana.common.errors import DomainError
from laksana.lapor import services
from laksana.lapor.models import LaporImport
from laksana.regions.models import Region


class Command(BaseCommand):
    help = "Import SP4N-LAPOR! exports (CSV or XLSX) as the region's complaints."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="Import one export file now.")
        imp.add_argument("file", type=Path)
        imp.add_argument("--region", required=True, help="The region's slug.")
        imp.add_argument("--user", required=True, help="An operator of the region (the actor).")
        run = sub.add_parser("run", help="Finish an import whose job was lost.")
        run.add_argument("id", type=int)

    def handle(self, *args, action, **options):
        if action == "run":
            batch = LaporImport.objects.filter(pk=options["id"]).first()
            if batch is None:
                raise CommandError(f"No import {options['id']}.")
        else:
            region = Region.objects.filter(slug=options["region"]).first()
            if region is None:
                raise CommandError(f"Unknown region {options['region']!r}.")
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"Unknown user {options['user']!r}.")
            path: Path = options["file"]
            if not path.is_file():
                raise CommandError(f"{path}: no such file.")
            try:
                staff = staff_in(user, region)
                batch = services.start_import(
                    staff=staff, file_name=path.name, content=path.read_bytes(), queue=False
                )
            except DomainError as exc:
                raise CommandError(str(exc.detail)) from None
        batch = services.run_import(batch.pk)
        self.stdout.write(
            f"{batch.file_name}: {batch.total} rows, {batch.created} new complaints, "
            f"{batch.already} imported before, {batch.review} waiting for review"
        )
