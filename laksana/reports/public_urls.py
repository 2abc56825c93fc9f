"""The public transparency pages under /<region-slug>/transparansi/ (and opd/<code>/ per agency)."""

from django.urls import path

from . import views

app_name = "transparency"
urlpatterns = [
    path("", views.transparency, name="page"),
    path("data.csv", views.transparency_csv, name="csv"),
    path("opd/<str:code>/", views.transparency_agency, name="agency"),
    path("opd/<str:code>/data.csv", views.transparency_agency_csv, name="agency_csv"),
]
