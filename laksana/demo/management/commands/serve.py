from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from laksana.common.serving import serve
from laksana.conf import env


class Command(BaseCommand):
    help = (
        "Serve Laksana over ASGI on HOST:PORT with WEB_WORKERS processes supervised by granian "
        "(a worker that dies is replaced; a stop takes at most WEB_GRACEFUL_TIMEOUT seconds)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default=None)
        parser.add_argument("--port", type=int, default=None)
        parser.add_argument("--workers", type=int, default=None)
        parser.add_argument("--graceful-timeout", type=int, default=None)
        parser.add_argument("--log-level", default="info")
        parser.add_argument("--no-access-log", action="store_true")

    def handle(self, *args, host=None, port=None, workers=None, **options):
        try:
            status = serve(
                host=host or env("HOST"),
                port=port or int(env("PORT")),
                workers=workers or int(env("WEB_WORKERS")),
                graceful_timeout=options["graceful_timeout"] or int(env("WEB_GRACEFUL_TIMEOUT")),
                connections=int(env("WEB_CONNECTIONS")),
                log_level=options["log_level"],
                access_log=not options["no_access_log"],
            )
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from None
        if status:
            raise CommandError("the web server stopped: its workers kept failing")
