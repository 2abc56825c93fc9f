"""Pages under /<region-slug>/field/: the officer's phone pages, assignments, the duty roster."""

from django.urls import path

from . import views, views_assign, views_roster

app_name = "dispatch"

urlpatterns = [
    path("", views.home, name="home"),
    path("me/", views.me, name="me"),
    path("me/location/", views.location, name="location"),
    path("me/squad/", views.squad_clock, name="squad_clock"),
    path("tasks/<int:task_id>/", views.task, name="task"),
    path("tasks/<int:task_id>/contact/", views.task_contact, name="task_contact"),
    path("tasks/<int:task_id>/<slug:action>/", views.task_action, name="task_action"),
    path("assign/<str:number>/", views_assign.assign, name="assign"),
    path("assign/<str:number>/resolve/", views_assign.resolve, name="resolve"),
    path("officers/", views_assign.officer_list, name="officers"),
    path("officers/<int:officer_id>/areas/", views_assign.officer_areas, name="officer_areas"),
    path("roster/", views_roster.roster_page, name="roster"),
    path("roster/setup/", views_roster.setup, name="roster_setup"),
    path("roster/clock-in/", views_roster.clock_in, name="clock_in"),
    path("roster/clock-out/", views_roster.clock_out, name="clock_out"),
    path("roster/shifts/", views_roster.plan, name="plan"),
    path("roster/shifts/<int:shift_id>/delete/", views_roster.cancel, name="cancel_shift"),
    path("roster/history/", views_roster.history_page, name="history"),
    path("roster/report/", views_roster.report_page, name="report"),
]
