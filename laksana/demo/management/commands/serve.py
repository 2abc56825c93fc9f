import uvicorn
from django.core.management.base import BaseCommand

from laksana.conf import env


class Command(BaseCommand):
    help = "Serve Laksana over ASGI (uvicorn) on HOST:PORT with WEB_WORKERS processes."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=None)
        parser.add_argument("--port", type=int, default=None)
        parser.add_argument("--workers", type=int, default=None)

    def handle(self, *args, host=None, port=None, workers=None, **options):
        uvicorn.run(
            "laksana.asgi:application",
            host=host or env("HOST"),
            port=port or int(env("PORT")),
            workers=workers or int(env("WEB_WORKERS")),
            log_level="info",
            lifespan="off",
        )
