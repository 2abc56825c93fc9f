"""Indonesian unless someone chooses otherwise.

Pages follow only the language switch (Django's language cookie): many phones and office PCs here
run an English system language while their users read Indonesian best, so the browser's
Accept-Language is ignored. Machine clients of the JSON and Open311 APIs may ask for English with
Accept-Language.
"""

import re

from django.conf import settings
from django.utils import translation
from django.utils.deprecation import MiddlewareMixin

API_PREFIXES = ("/api/", "/open311/")


class LanguageMiddleware(MiddlewareMixin):
    def process_request(self, request):
        if request.path.startswith(API_PREFIXES):
            language = translation.get_language_from_request(request)
        else:
            chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
            language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language

    def process_response(self, request, response):
        response.headers.setdefault("Content-Language", translation.get_language())
        return response


# Staff pages: the admin, sign-in pages, each region's console, field app and live desk/wall.
STAFF_PATH = re.compile(r"^/(?:admin|accounts)/|^/[^/]+/(?:console|live|field)/")


class StaffNoStoreMiddleware(MiddlewareMixin):
    """Staff pages and whatever a signed-in or API-authenticated client receives carry
    `Cache-Control: no-store`: citizen contacts and case files never stay in a shared PC's browser
    cache or an office proxy."""

    def process_response(self, request, response):
        user = getattr(request, "user", None)
        if (
            STAFF_PATH.match(request.path)
            or (user is not None and user.is_authenticated)
            or "Authorization" in request.headers
        ):
            response["Cache-Control"] = "no-store"
        return response
