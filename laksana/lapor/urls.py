"""SP4N-LAPOR! imports, mounted at /<region>/console/sp4n-lapor/."""

from django.urls import path

from . import views

app_name = "lapor"

urlpatterns = [
    path("", views.imports, name="imports"),
    path("<int:pk>/", views.batch, name="import"),
    path("<int:pk>/baris/<int:row>/", views.resolve, name="resolve"),
]
