import json
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from laksana.regions.models import Region


class Command(BaseCommand):
    help = (
        "Routing suggestions (issue 19). `routing train --region SLUG` trains a new version of "
        "the region's category and agency models; `routing evaluate --region SLUG [--file CSV] "
        "[--json]` prints cross-validated and time-split accuracy (or on a labelled CSV with "
        "columns text, agency and optionally category); `routing evaluate --starter-heldout` "
        "trains on the starter corpus alone and scores on its separately written held-out "
        "reports; `routing bench --region SLUG` measures suggestion and training time."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        train = sub.add_parser("train", help="Train the region's models (a new version)")
        train.add_argument("--region", help="Region slug (default: every region)")
        evaluate = sub.add_parser("evaluate", help="Accuracy: cross-validated, time-split, file")
        evaluate.add_argument("--region", help="Region slug (not with --starter-heldout)")
        evaluate.add_argument("--file", type=Path, help="labelled CSV: text, agency[, category]")
        evaluate.add_argument(
            "--starter-heldout",
            action="store_true",
            help="train on data/routing/starter.csv alone, score on data/routing/heldout.csv",
        )
        evaluate.add_argument("--json", action="store_true", help="machine-readable output")
        bench = sub.add_parser(
            "bench", help="Suggestion time per complaint and training time (run under flock)"
        )
        bench.add_argument("--region", required=True)
        bench.add_argument("--suggestions", type=int, default=1000, help="texts to suggest for")
        bench.add_argument("--rows", type=int, default=100_000, help="synthetic rows to train on")
        bench.add_argument("--json", action="store_true", help="machine-readable output")

    def _region(self, slug):
        region = Region.objects.defer("boundary").filter(slug=slug).first()
        if region is None:
            raise CommandError(f"{slug}: no such region")
        return region

    def handle(self, *args, action, **options):
        from laksana.routing import evaluation, services

        if action == "train":
            regions = (
                [self._region(options["region"])]
                if options.get("region")
                else list(Region.objects.defer("boundary").order_by("pk"))
            )
            for region in regions:
                started = time.perf_counter()
                stored = services.train(region)
                seconds = time.perf_counter() - started
                for target, m in stored.items():
                    self.stdout.write(
                        f"{region.slug} {target}: version {m.version}, {m.samples} rows "
                        f"({m.history_samples} complaints, {m.starter_samples} starter), "
                        f"{m.classes} classes, calibrated={m.metrics.get('calibrated')}"
                    )
                if not stored:
                    self.stdout.write(f"{region.slug}: nothing to learn from (no categories)")
                again = [t for t, m in stored.items() if m.metrics.get("same_rows_as_a_fit_before")]
                if again:
                    self.stdout.write(
                        f"{region.slug} {', '.join(again)}: the same rows as a fit earlier in this "
                        "run, whose model was stored again"
                    )
                self.stdout.write(f"{region.slug}: trained in {seconds:.1f} s")
            return
        if action == "bench":
            from laksana.routing import bench

            report = bench.bench(
                self._region(options["region"]),
                suggestions=options["suggestions"],
                rows=options["rows"],
            )
            self._out(report, bench.table, options["json"])
            return
        if options["starter_heldout"]:
            if options.get("region") or options.get("file"):
                raise CommandError("--starter-heldout takes neither --region nor --file")
            self._out(evaluation.starter_heldout(), evaluation.table, options["json"])
            return
        if not options.get("region"):
            raise CommandError("--region is required (or --starter-heldout)")
        region = self._region(options["region"])
        if options.get("file") and not options["file"].exists():
            raise CommandError(f"{options['file']}: no such file")
        report = evaluation.evaluate(region, file=options.get("file"))
        self._out(report, evaluation.table, options["json"])

    def _out(self, report: dict, table, as_json: bool) -> None:
        if as_json:
            self.stdout.write(json.dumps(report, indent=2, ensure_ascii=False))
        else:
            self.stdout.write(table(report))
