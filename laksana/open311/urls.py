"""GeoReport v2 under /open311/v2/: every resource ends in .json or .xml."""

from django.urls import re_path

from . import views

app_name = "open311"
FORMAT = r"\.(?P<fmt>json|xml)$"

urlpatterns = [
    re_path(r"^discovery" + FORMAT, views.discovery, name="discovery"),
    re_path(r"^services" + FORMAT, views.services_list, name="services"),
    re_path(r"^services/(?P<code>[^/]+)" + FORMAT, views.service_definition, name="service"),
    re_path(r"^requests" + FORMAT, views.requests_view, name="requests"),
    re_path(r"^requests/(?P<number>[^/]+)" + FORMAT, views.request_detail, name="request"),
    re_path(r"^tokens/(?P<token>[^/]+)" + FORMAT, views.token, name="token"),
    re_path(r"^servicerequestupdates" + FORMAT, views.request_updates, name="updates"),
    # Anything else still answers in Open311's error shape (JSON unless the path ends in .xml).
    re_path(r"^(?P<path>.*?)(?:\.(?P<fmt>json|xml))?$", views.unknown),
]
