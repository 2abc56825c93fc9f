from django.urls import path

from . import views
from .api import api

urlpatterns = [
    path("limit/api/", api.urls),
    path("limit/<slug:slug>/page/", views.page),
    path("limit/<slug:slug>/stream/", views.stream),
]
