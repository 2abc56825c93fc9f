"""Mounted at <region_slug>/console/apikeys/ (laksana/urls.py)."""

from django.urls import path

from . import console_views

app_name = "open311_console"

urlpatterns = [
    path("", console_views.keys, name="keys"),
    path("<int:key_id>/revoke/", console_views.revoke, name="revoke"),
]
