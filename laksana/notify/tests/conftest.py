import pytest


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Personas get real passwords; the production hasher would spend a second on each.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
