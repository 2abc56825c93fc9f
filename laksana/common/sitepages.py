"""Pages of the site itself rather than of an app: the icon browsers ask for at /favicon.ico."""

from pathlib import Path

from django.http import FileResponse, HttpRequest
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

FAVICON = Path(__file__).resolve().parents[1] / "static" / "laksana" / "favicon.ico"


@require_safe
@cache_control(max_age=86400, public=True)
def favicon(request: HttpRequest) -> FileResponse:
    # Browsers ask for /favicon.ico on every site whatever the page links; a 404 fills logs.
    return FileResponse(FAVICON.open("rb"), content_type="image/x-icon")
