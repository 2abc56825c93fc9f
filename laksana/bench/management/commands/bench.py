import shlex
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

LARGEST = 1_000_000
HUGE = 10_000_000


def sizes(text: str) -> list[int]:
    try:
        values = [int(float(part)) for part in text.split(",") if part.strip()]
    except ValueError:
        raise CommandError(f"--sizes: not a list of numbers: {text!r}") from None
    if not values or any(v < 100 for v in values):
        raise CommandError("--sizes: each size must be at least 100")
    return values


class Command(BaseCommand):
    help = (
        "Benchmark Laksana on PostgreSQL beside django-helpdesk: generate complaints at each size "
        "in a throwaway database, serve them with granian (2 workers, production settings) beside "
        "a bare Django app on the same table (the stack limit), load them from a separate "
        "process, and write bench/results/latest.json and latest.md."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--database-url",
            default="postgres://postgres@127.0.0.1:5432/laksana_bench",
            help="Server and name of the throwaway database (dropped and recreated; the name "
            "must start with laksana_bench; the peer uses NAME_peer).",
        )
        parser.add_argument("--sizes", type=sizes, default=[10_000, 100_000, 1_000_000])
        parser.add_argument("--repeat", type=int, default=3, help="Runs per figure")
        parser.add_argument("--quick", action="store_true", help="Short durations")
        parser.add_argument(
            "--allow-10m", action="store_true", help=f"Allow sizes above {LARGEST:,}"
        )
        parser.add_argument(
            "--read-seconds", type=float, default=0, help="Per read scenario and run (3; quick 2)"
        )
        parser.add_argument(
            "--intake-seconds", type=float, default=0, help="Per intake run (8; quick 4)"
        )
        parser.add_argument("--read-clients", type=int, default=4)
        parser.add_argument("--intake-clients", type=int, default=32)
        parser.add_argument(
            "--port", type=int, default=8790, help="Laksana's; the peer's is +1, the limit's +2"
        )
        parser.add_argument("--no-peer", action="store_true", help="Skip django-helpdesk")
        parser.add_argument(
            "--no-limit",
            action="store_true",
            help="Skip the stack limit (laksana.bench.limit): no ours ÷ limit ratios",
        )
        parser.add_argument("--seed", type=int, default=2611)
        parser.add_argument("--days", type=int, default=365, help="History span of the data")
        parser.add_argument("--region", default="kota-tangerang", help="Folder in data/regions")
        parser.add_argument("--output", default=str(Path(settings.BASE_DIR) / "bench" / "results"))
        parser.add_argument(
            "--sqlite",
            choices=["off", "also", "only"],
            default="off",
            help="Intake on the embedded default (a SQLite file, one worker) too, or only that",
        )
        parser.add_argument(
            "--only",
            default="",
            help="Comma-separated scenario name prefixes to run (e.g. report_,transparency_); "
            "default every scenario",
        )
        parser.add_argument("--prepare", action="store_true", help="(internal) fill the database")

    def handle(self, *args, **o):
        if o["prepare"]:
            from laksana.bench.prepare import main

            return main(size=o["sizes"][0], seed=o["seed"], region_slug=o["region"], days=o["days"])
        too_big = [s for s in o["sizes"] if s > LARGEST and not o["allow_10m"]]
        if too_big or any(s > HUGE for s in o["sizes"]):
            raise CommandError(f"sizes above {LARGEST:,} need --allow-10m (at most {HUGE:,})")
        from laksana.bench.options import Options
        from laksana.bench.runner import Bench

        options = Options(
            database_url=o["database_url"],
            sizes=o["sizes"],
            repeat=max(1, o["repeat"]),
            quick=o["quick"],
            read_clients=o["read_clients"],
            intake_clients=o["intake_clients"],
            port=o["port"],
            peer=not o["no_peer"],
            limit=not o["no_limit"],
            seed=o["seed"],
            days=o["days"],
            region=o["region"],
            output=Path(o["output"]),
            command="laksana bench " + shlex.join(sys.argv[2:]),
            read_seconds=o["read_seconds"],
            intake_seconds=o["intake_seconds"],
            sqlite=o["sqlite"],
            only=tuple(p.strip() for p in o["only"].split(",") if p.strip()),
        )
        results = Bench(options).run()
        self.stdout.write((options.output / "latest.md").read_text())
        missed = [r for r in results.rows() if r["met"] is False]
        self.stdout.write(f"{len(missed)} figure(s) miss their target (reported, not asserted).")
