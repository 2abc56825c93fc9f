"""Citizens' pages of a region, mounted at /<region_slug>/. Paths are Indonesian words people can
read aloud: lapor (report), lacak (track), laporan (complaints)."""

from django.urls import path

from . import report, track, views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("lapor/", report.report, name="report"),
    path("lapor/terkirim/<str:token>/", report.submitted, name="submitted"),
    path("lacak/", track.lookup, name="lookup"),
    path("lacak/nomor/<str:number>/", track.by_number, name="track_number"),
    path("lacak/<str:token>/", track.by_token, name="track"),
    path("laporan/", views.complaint_list, name="list"),
    path("laporan/<str:number>/", views.complaint_detail, name="complaint"),
    path("peta/kecamatan.geojson", views.boundaries, name="boundaries"),
    path(
        "peta/kelurahan.geojson",
        views.boundaries,
        {"level": "kelurahan"},
        name="kelurahan_boundaries",
    ),
]
