"""What every dispatch page shares: who is asking (region and roles, once), errors as pages.

Pages are plain forms that work without JavaScript. A refused action re-renders the page with the
message and the error's HTTP status (409, 422, ...), so nothing is stored and the officer sees why.
"""

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone

from laksana.agencies.services import staff_at
from laksana.common.errors import DomainError, Forbidden, NotFound


def staff_page(view: Callable) -> Callable:
    """Resolve the region and the signed-in person's roles in it; anonymous people go to the
    login page, people without a role here get 404, times show in the region's zone."""

    @wraps(view)
    def wrapper(request: HttpRequest, region_slug: str, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        try:
            staff = staff_at(request.user, region_slug)
            request.staff = staff  # the staff menu reads it (console.navigation)
            timezone.activate(staff.region.tz)
            try:
                return view(request, staff, *args, **kwargs)
            finally:
                timezone.deactivate()
        except NotFound as exc:
            raise Http404(str(exc.detail)) from None
        except Forbidden as exc:
            raise PermissionDenied(str(exc.detail)) from None

    return wrapper


def see_other(url: str) -> HttpResponseRedirect:
    """Redirect after a successful POST so a reload does not repeat the action."""
    response = HttpResponseRedirect(url)
    response.status_code = 303
    return response


def attempt(
    request: HttpRequest,
    action: Callable[[], object],
    *,
    done: str | Callable[[object], tuple[int, str]],
    then: str,
    template: str,
    context: Callable[[], dict],
) -> HttpResponse:
    """Run one service call from a form: on success a message (`done`, or `done(result)` giving
    level and text) and a redirect; on a refusal the same page again with the reason and the
    error's status."""
    try:
        result = action()
    except (NotFound, Forbidden):
        raise
    except DomainError as exc:
        ctx = context()
        ctx.update(error=str(exc.detail), error_fields=exc.fields)
        return render(request, template, ctx, status=exc.status)
    level, text = done(result) if callable(done) else (messages.SUCCESS, done)
    messages.add_message(request, level, text)
    return see_other(then)
