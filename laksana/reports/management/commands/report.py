from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from laksana.regions.models import Region


class Command(BaseCommand):
    help = (
        "Reports. `report rollup [--region SLUG] [--since DATE]` rebuilds the daily aggregates "
        "from the event table (safe to rerun); `report monthly --region SLUG --month YYYY-MM "
        "--format pdf|xlsx [--output FILE]` writes the monthly report; `report export-jobs` "
        "writes the large exports still waiting (when the worker's queue was away)."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        rollup = sub.add_parser("rollup", help="Rebuild the daily aggregates from the events")
        rollup.add_argument("--region", help="Region slug (default: every region)")
        rollup.add_argument("--since", help="First day to rebuild, YYYY-MM-DD (default: all)")
        monthly = sub.add_parser("monthly", help="The monthly report as PDF or XLSX")
        monthly.add_argument("--region", required=True)
        monthly.add_argument("--month", required=True, help="YYYY-MM")
        monthly.add_argument("--format", choices=("pdf", "xlsx"), default="pdf")
        monthly.add_argument("--agency", help="Agency code (default: the whole region)")
        monthly.add_argument("--output", help="File to write (default: laporan-SLUG-MONTH.EXT)")
        sub.add_parser("export-jobs", help="Write the large exports still queued")

    def _regions(self, slug):
        regions = Region.objects.defer("boundary")
        if slug:
            regions = regions.filter(slug=slug)
            if not regions.exists():
                raise CommandError(f"{slug}: no such region")
        return list(regions)

    def handle(self, *args, action, **options):
        if action == "rollup":
            return self._rollup(options)
        if action == "export-jobs":
            return self._export_jobs()
        return self._monthly(options)

    def _rollup(self, options):
        from laksana.reports.rollup import rebuild_since

        since = None
        if options.get("since"):
            try:
                since = date.fromisoformat(options["since"])
            except ValueError:
                raise CommandError("--since: use YYYY-MM-DD") from None
        for region in self._regions(options.get("region")):
            result = rebuild_since(region, since)
            self.stdout.write(
                f"{region.slug}: {result.days} day(s), {result.complaints} complaint(s), "
                f"{result.events} event(s) replayed, {result.rows} row(s)"
            )

    def _export_jobs(self):
        from laksana.reports import jobs
        from laksana.reports.models import ExportJob

        waiting = ExportJob.objects.filter(state=ExportJob.State.QUEUED).order_by("id")
        for pk in list(waiting.values_list("pk", flat=True)):
            job = jobs.run(pk)
            self.stdout.write(f"export {job.pk}: {job.state}, {job.done} row(s)")

    def _monthly(self, options):
        from laksana.reports import exports
        from laksana.reports.periods import Period

        region = self._regions(options["region"])[0]
        try:
            period = Period.month(options["month"])
        except ValueError:
            raise CommandError("--month: use YYYY-MM") from None
        fmt = options["format"]
        agency = None
        if options.get("agency"):
            agency = region.agencies.filter(code=options["agency"]).first()
            if agency is None:
                raise CommandError(f"{options['agency']}: no such agency in {region.slug}")
        data = exports.monthly(region, period, fmt=fmt, agency=agency)
        output = Path(options.get("output") or f"laporan-{region.slug}-{options['month']}.{fmt}")
        output.write_bytes(data)
        self.stdout.write(f"{output} ({len(data)} bytes)")
