from django.core.management.base import BaseCommand, CommandError

from laksana.common.serving import serve
from laksana.conf import env


class Command(BaseCommand):
    help = (
        "Serve Laksana over ASGI (uvicorn) on HOST:PORT with WEB_WORKERS processes, each "
        "accepting its own connections (SO_REUSEPORT)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default=None)
        parser.add_argument("--port", type=int, default=None)
        parser.add_argument("--workers", type=int, default=None)
        parser.add_argument("--log-level", default="info")
        parser.add_argument("--no-access-log", action="store_true")

    def handle(self, *args, host=None, port=None, workers=None, **options):
        status = serve(
            host=host or env("HOST"),
            port=port or int(env("PORT")),
            workers=workers or int(env("WEB_WORKERS")),
            log_level=options["log_level"],
            access_log=not options["no_access_log"],
        )
        if status:
            raise CommandError("a web worker exited unexpectedly")
