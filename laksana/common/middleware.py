"""Indonesian unless someone chooses otherwise.

Pages follow only the language switch (Django's language cookie): many phones and office PCs here
run an English system language while their users read Indonesian best, so the browser's
Accept-Language is ignored. Machine clients of the JSON and Open311 APIs may ask for English with
Accept-Language.
"""

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
