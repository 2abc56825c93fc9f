"""Staff console under /<region-slug>/console/ (the `apikeys/` path is kept for Open311 keys)."""

from django.urls import path

from .views import actions, intake, manage, onboarding, queues, staff

app_name = "console"
urlpatterns = [
    path("", queues.home, name="home"),
    path("kotak-masuk/", queues.inbox, name="inbox"),
    path("siap-disposisi/", queues.ready, name="ready"),
    path("meja-opd/", queues.desk, name="desk"),
    path("meja-opd/ditindaklanjuti/", queues.working, name="working"),
    path("catat-laporan/", intake.record, name="record"),
    path("laporan/", queues.complaints, name="complaints"),
    path("laporan/<str:number>/", queues.complaint, name="complaint"),
    path("laporan/<str:number>/<slug:action>/", actions.act, name="act"),
    path("massal/", manage.bulk, name="bulk"),
    path("filter/", manage.save_filter, name="save_filter"),
    path("filter/<int:pk>/hapus/", manage.delete_filter, name="delete_filter"),
    path("templat/alasan-tolak/", manage.rejection_templates, name="rejection_templates"),
    path(
        "templat/alasan-tolak/<int:pk>/",
        manage.rejection_templates,
        name="rejection_template",
    ),
    path("templat/tanggapan/", manage.response_templates, name="response_templates"),
    path("templat/tanggapan/<int:pk>/", manage.response_templates, name="response_template"),
    path("persiapan/", onboarding.checklist, name="onboarding"),
    path("staf/", staff.members, name="staff"),
    path("staf/<slug:operation>/", staff.manage, name="staff_manage"),
    path("undangan/<str:token>/", staff.invitation, name="invitation"),
]
