"""The limit's ASGI application: Django's handler, except that a stream does not keep a thread
for its whole life (the same few lines as laksana/asgi.py: without them each open stream holds a
thread of asgiref's, a cost of Django's, not of the stack's limit)."""

import os

import django
from django.core.handlers.asgi import ASGIHandler


class Application(ASGIHandler):
    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and scope["path"].endswith("/stream/"):
            await self.handle(scope, receive, send)
        else:
            await super().__call__(scope, receive, send)


def application_factory() -> Application:
    """Called by granian in each worker (as laksana.common.serving.worker_application)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "laksana.bench.limit.settings")
    django.setup(set_prefix=False)
    return Application()
