"""The routing page under /<region-slug>/console/saran-rute/."""

from django.urls import path

from . import views

app_name = "routing"
urlpatterns = [path("", views.usage, name="usage")]
