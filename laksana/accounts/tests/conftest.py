import pytest


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    # Test users get real passwords; the production hasher's cost only slows the suite down.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
