from django.urls import path

from . import views

# Mounted before django.contrib.auth.urls, so sign-in goes through the lockout.
urlpatterns = [path("login/", views.LoginView.as_view(), name="login")]
