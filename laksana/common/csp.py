"""The Content-Security-Policy every response carries (django-csp's middleware sends it).

Scripts come only from our own static files (or carry the request's nonce): a piece of stored
text that slips into a page as markup can no longer run. Styles also allow inline ones, because
Leaflet and Swagger UI position their elements with style attributes (see docs/ARCHITECTURE.md).
"""

from urllib.parse import urlsplit

from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE


def origin(url: str) -> str | None:
    """The scheme and host of an absolute URL template ({s} subdomains become a wildcard)."""
    parts = urlsplit(url or "")
    if not parts.scheme or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc.replace('{s}', '*')}"


def policy(*, tile_url: str, media_url: str) -> dict:
    images = [SELF, "data:", "blob:", *filter(None, [origin(tile_url), origin(media_url)])]
    return {
        "DIRECTIVES": {
            "default-src": [SELF],
            "script-src": [SELF, NONCE],
            "style-src": [SELF, UNSAFE_INLINE],
            "img-src": images,
            "connect-src": [SELF],
            "font-src": [SELF],
            "object-src": [NONE],
            "base-uri": [SELF],
            "form-action": [SELF],
            "frame-ancestors": [NONE],
        }
    }
