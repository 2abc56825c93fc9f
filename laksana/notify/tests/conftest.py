import pytest


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Personas get real passwords; the production hasher would spend a second on each.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def local_webhook_receivers(settings):
    """The tests' receivers listen on http://127.0.0.1: allowed here the way an installation
    allows an internal receiver (egress.py refuses it by default; test_egress.py checks that)."""
    settings.WEBHOOK_ALLOW_HTTP = True
    settings.WEBHOOK_ALLOWED_NETWORKS = ("127.0.0.0/8",)
