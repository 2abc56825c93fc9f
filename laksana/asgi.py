"""The ASGI application: Django's, except that live streams do not each keep a thread.

Django runs every request in a context of its own whose synchronous parts (the session and
authentication middleware, signals) get a thread of their own, kept until the response ends. For
a page that is a few milliseconds; for a live stream (a wall screen, a desk) it is as long as the
screen stays open, so a room with a thousand screens kept a thousand idle threads per server. A
stream's synchronous parts run only when it connects and when it ends, so streams share the
process's one thread for them instead.
"""

import os

import django
from django.core.handlers.asgi import ASGIHandler

STREAM_SUFFIX = "/stream/"  # laksana.live.urls: every live stream's path ends so


class Application(ASGIHandler):
    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and scope["path"].endswith(STREAM_SUFFIX):
            # Without a ThreadSensitiveContext, asgiref runs thread-sensitive code on the
            # process's single shared thread.
            await self.handle(scope, receive, send)
        else:
            await super().__call__(scope, receive, send)


os.environ.setdefault("DJANGO_SETTINGS_MODULE", "laksana.settings")
django.setup(set_prefix=False)  # as django.core.asgi.get_asgi_application does
application = Application()
