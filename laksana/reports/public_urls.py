"""The public transparency page under /<region-slug>/transparansi/."""

from django.urls import path

from . import views

app_name = "transparency"
urlpatterns = [
    path("", views.transparency, name="page"),
    path("data.csv", views.transparency_csv, name="csv"),
]
