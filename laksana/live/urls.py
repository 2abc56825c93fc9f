from django.urls import path

from . import streams, views

app_name = "live"

urlpatterns = [
    path("", views.wall, name="wall"),
    path("stream/", streams.wall_stream, name="wall_stream"),
    path("replay/stream/", streams.replay_stream, name="replay_stream"),
    path("desk/<str:agency_code>/", views.desk, name="desk"),
    path("desk/<str:agency_code>/stream/", streams.desk_stream, name="desk_stream"),
]
