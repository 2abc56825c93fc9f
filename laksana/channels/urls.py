from django.urls import path

from . import views

app_name = "channels"

urlpatterns = [
    path("whatsapp/", views.whatsapp, name="whatsapp"),
    path("telegram/", views.telegram, name="telegram"),
    path("sms/", views.sms_inbound, name="sms"),
]
