"""The ASGI application: Django's, except that live streams do not each keep a thread, and a
page's middleware and view run in one step on its thread.

Django runs every request in a context of its own whose synchronous parts (the session and
authentication middleware, signals) get a thread of their own, kept until the response ends. For
a page that is a few milliseconds; for a live stream (a wall screen, a desk) it is as long as the
screen stays open, so a room with a thousand screens kept a thousand idle threads per server. A
stream's synchronous parts run only when it connects and when it ends, so streams share the
process's one thread for them instead.

Pages: Django's async handler runs each middleware method of the (synchronous) middleware
classes as a separate hand-over between the event loop and the request's thread, 18 per page
with Laksana's twelve middleware, where a bare Django app makes 3. Each is a thread wake-up, on
the two shared cores about 0.4 ms of a page's time once served. Every page's middleware and view
are synchronous, so a page runs them as Django's synchronous handler does (as under WSGI, and as
the test client always has), in one hand-over; streams, the only async views, keep the async
chain.
"""

import os

import django
from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIHandler
from django.core.handlers.base import BaseHandler

STREAM_SUFFIX = "/stream/"  # laksana.live.urls: every live stream's path ends so


class Application(ASGIHandler):
    def __init__(self):
        super().__init__()
        self.pages = BaseHandler()  # the same middleware, built for synchronous calls
        self.pages.load_middleware(is_async=False)

    async def get_response_async(self, request):
        if request.path_info.endswith(STREAM_SUFFIX):
            return await super().get_response_async(request)
        return await sync_to_async(self.pages.get_response, thread_sensitive=True)(request)

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
