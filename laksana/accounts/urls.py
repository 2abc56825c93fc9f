from django.urls import path

from . import views

# Mounted before django.contrib.auth.urls, so sign-in goes through the lockout and password
# reset requests through their rate limit.
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("password_reset/", views.PasswordResetView.as_view(), name="password_reset"),
]
