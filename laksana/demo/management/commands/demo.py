import os
import sys
import threading
import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from laksana.common.serving import serve_here
from laksana.demo import chats
from laksana.demo.services import (
    ACCOUNTS,
    DEMO_PASSWORD,
    PLATFORM_USERNAME,
    ensure_accounts,
    ensure_platform_account,
    seed_history,
)
from laksana.dispatch.demo import seed as seed_field_work
from laksana.live.simulate import run as simulate_activity
from laksana.regions.models import Region
from laksana.sla.worker import Worker

DEMO_REGION = Path(settings.BASE_DIR) / "data" / "regions" / "kota-tangerang"
# The regions of the story that adopted Tangerang's apps: adopted from it, with a small history.
STORY_REGIONS = ("73.24", "19.03")  # Kabupaten Luwu Timur, Kabupaten Bangka Selatan


def progress_bar(done: int, total: int) -> None:
    width = 30
    filled = width * done // total
    sys.stdout.write(f"\r  [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
    sys.stdout.flush()
    if done == total:
        sys.stdout.write("\n")


class Command(BaseCommand):
    help = "Migrate, load the Kota Tangerang demo region with accounts and history, and serve it."

    def add_arguments(self, parser):
        parser.add_argument("--no-serve", action="store_true", help="Prepare only; do not serve")
        parser.add_argument("--complaints", type=int, default=2200, help="History size")
        parser.add_argument(
            "--simulate",
            action="store_true",
            help="Keep generating realistic activity while serving (for the live wall)",
        )
        parser.add_argument(
            "--chat-interval",
            type=float,
            default=40.0,
            help="With --simulate: mean seconds between chat citizens' rounds (WhatsApp, Telegram)",
        )

    def handle(
        self, *args, no_serve=False, complaints=2200, simulate=False, chat_interval=40.0, **options
    ):
        call_command("migrate", verbosity=0, interactive=False)
        call_command("createcachetable", verbosity=0)
        call_command("region", "load", str(DEMO_REGION), stdout=self.stdout)
        region = Region.objects.get(slug="kota-tangerang")
        ensure_accounts(region)
        self.stdout.write(f"Writing the demo history ({complaints} complaints over 90 days):")
        created = seed_history(region, count=complaints, progress=progress_bar)
        self.stdout.write(f"  {created} new complaints (existing ones kept).")
        for code in STORY_REGIONS:
            adopted = self.adopt_story_region(code, complaints=max(complaints // 10, 1))
            self.stdout.write(f"  {adopted.name} adopted from {region.name}, /{adopted.slug}/")
        field = seed_field_work(region)
        self.stdout.write(
            f"  field work: {field['officers']} officers, {field['assignments']} assignments, "
            f"{field['on_duty']} people on duty now"
        )
        from laksana.reports.rollup import catch_up

        counted = catch_up(region, limit=10**9)  # the reports' aggregates of the new history
        self.stdout.write(f"  reports: {counted.days} day(s) of aggregates rebuilt")
        from laksana.routing.services import train

        started = time.monotonic()
        trained = train(region)  # the operator's suggestions: starter corpus + demo history
        self.stdout.write(
            f"  routing: {len(trained)} model(s) trained in {time.monotonic() - started:.1f} s"
        )
        host, port = settings_host_port()
        base = f"http://{host}:{port}"
        self.stdout.write("\nDemo accounts (demo only!), all with password " + DEMO_PASSWORD + ":")
        for a in ACCOUNTS:
            where = f" ({a.agency})" if a.agency else ""
            self.stdout.write(f"  {a.username:<12} {a.role}{where}")
        ensure_platform_account()
        self.stdout.write(
            f"  {PLATFORM_USERNAME:<12} platform administrator: adopts a kabupaten/kota at "
            f"{base}/admin/regions/region/adopt/"
        )
        slug = region.slug
        self.stdout.write(
            f"\nLaksana demo is served at {base}/\n"
            f"  citizens' portal     {base}/{slug}/\n"
            f"  staff console        {base}/{slug}/console/\n"
            f"  leaders' reports     {base}/{slug}/console/statistik/\n"
            f"  transparency         {base}/{slug}/transparansi/\n"
            f"  field officers       {base}/{slug}/field/\n"
            f"  command-center wall  {base}/{slug}/live/\n"
            f"  Open311              {base}/open311/v2/discovery.json\n"
            f"  JSON API docs        {base}/api/v1/docs\n"
            f"  Django admin         {base}/admin/"
        )
        if not no_serve:
            stand_in = self.start_chat_stand_in(region, base)
            # One background worker in this process: deadline sweeps, and notifications (e-mail
            # is printed on this console in the demo).
            worker = Worker(worker_id="demo")
            worker.start_thread()
            self.stdout.write(f"Background worker {worker.worker_id} running.")
            stop = threading.Event()
            if simulate:
                # Same process as the server: on SQLite the in-process bus only reaches streams
                # served here (keep WEB_WORKERS=1).
                threading.Thread(
                    target=simulate_activity, args=(region, stop), daemon=True, name="simulate"
                ).start()
                self.stdout.write("Simulating live activity (new complaints every few seconds).")
                if stand_in is not None:
                    threading.Thread(
                        target=chats.run,
                        args=(region, local_base(host, port), stop),
                        kwargs={
                            "say": self.stdout.write,
                            "mean_interval": chat_interval,
                            "stand_in": stand_in,
                        },
                        daemon=True,
                        name="chats",
                    ).start()
                    self.stdout.write(
                        "Simulating chat citizens too (a WhatsApp or Telegram conversation "
                        f"about every {chat_interval:g} s, through the webhooks)."
                    )
            try:
                # One process: the worker thread and the simulation publish on SQLite's
                # in-process bus, which only streams served here hear.
                serve_here(host=host, port=int(port))
            finally:
                stop.set()

    def start_chat_stand_in(self, region: Region, base: str):
        """The providers' stand-in for WhatsApp and Telegram, and both channels switched on for
        the demo region (DEBUG only: the settings are changed in this process alone)."""
        if not settings.DEBUG:
            self.stdout.write("Chat channels: no stand-ins without DEBUG=1 (as in production).")
            return None
        if "PUBLIC_URL" not in os.environ:  # the replies' tracking links: this demo's address
            settings.PUBLIC_URL = base

        def received(provider: str, to: str, text: str) -> None:
            self.stdout.write(f"  [{provider} stand-in] to {to}: {chats.one_line(text)}")

        stand_in = chats.start_stand_in(on_message=received)
        chats.use_stand_in(stand_in)
        chats.switch_on(region)
        slug = region.slug
        self.stdout.write(
            f"Chat channels of {region.name} on, against a stand-in of the WhatsApp Cloud API "
            f"and the Telegram Bot API at {stand_in.url} (demo only):\n"
            f"  WhatsApp webhook     {base}/channels/{slug}/whatsapp/\n"
            f"  Telegram webhook     {base}/channels/{slug}/telegram/"
        )
        return stand_in

    def adopt_story_region(self, code: str, *, complaints: int) -> Region:
        """Adopt a region of the story from Tangerang (idempotent) with the demo accounts and a
        small history, so the console's region switch and the platform view show three."""
        from laksana.regions import national
        from laksana.regions.adoption import adopt

        region = adopt(
            code=code,
            template="kota-tangerang",
            kelurahan_boundaries=national.bundled_kelurahan_boundaries(code),
        ).region
        ensure_accounts(region)
        seed_history(region, count=complaints)
        from laksana.routing.services import train

        train(region)  # suggestions from day one: the starter corpus in its own agencies
        return region


def local_base(host: str, port: str) -> str:
    """Where this process reaches the site it serves."""
    if host in ("", "0.0.0.0", "::"):
        host = "127.0.0.1"
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def settings_host_port() -> tuple[str, str]:
    from laksana.conf import env

    return env("HOST"), env("PORT")
