"""Staff reports under /<region-slug>/console/statistik/."""

from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.performance, name="performance"),
    path("tren/", views.trends, name="trends"),
    path("bulanan/", views.monthly, name="monthly"),
    path("ekspor/<slug:report>.<slug:fmt>", views.export, name="export"),
    path("ekspor/tugas/<int:pk>/", views.job, name="job"),
    path("ekspor/tugas/<int:pk>/unduh", views.job_file, name="job_file"),
]
