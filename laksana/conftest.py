import pytest

from laksana.testing.personas import (
    CONTOH_DIR,
    IN_TANGERANG,
    TANGERANG_DIR,
    ensure_region,
    staff,
)


@pytest.fixture(scope="session", autouse=True)
def fast_password_hashing():
    """PBKDF2's deliberate slowness protects real passwords; in tests it only costs time."""
    from django.test import override_settings

    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(autouse=True)
def dead_connections_renewed(django_db_blocker):
    """A connection a fault test ended is closed before the next test, which connects afresh
    (browser tests: inside Playwright's loop, see laksana.testing.browser.playwright_session)."""
    from laksana.testing.browser import close_dead_connections

    with django_db_blocker.unblock():
        close_dead_connections()
    yield


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in the default language: one that switched this thread to English
    (translation.activate outside a request) must not leave it to the next test."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def empty_local_cache():
    """The per-process caches keep data of a region between requests (the wall's slow panels,
    configuration rows): a test must not see the previous test's."""
    from django.core.cache import cache

    from laksana.common import configcache

    cache.clear()
    configcache.clear_all()
    yield
    cache.clear()
    configcache.clear_all()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        ensure_region(TANGERANG_DIR)
        ensure_region(CONTOH_DIR)


@pytest.fixture
def tangerang(db):
    return ensure_region(TANGERANG_DIR)


@pytest.fixture
def contoh(db):
    return ensure_region(CONTOH_DIR)


@pytest.fixture
def operator(tangerang):
    return staff("op-tng", tangerang, "operator")


@pytest.fixture
def pupr(tangerang):
    """A liaison of Dinas PUPR, the default agency for damaged roads."""
    return staff("pupr-tng", tangerang, "agency_staff", "PUPR")


@pytest.fixture
def other_operator(contoh):
    return staff("op-contoh", contoh, "operator")


@pytest.fixture
def submit(tangerang):
    """Submit a complaint in Kota Tangerang; returns (complaint, token)."""
    from laksana.complaints import services

    def _submit(**overrides):
        fields = {
            "region": tangerang,
            "category_code": "JALAN-RUSAK",
            "description": "Jalan berlubang dalam di depan SDN 3, sudah dua minggu.",
            "lat": IN_TANGERANG[0],
            "lng": IN_TANGERANG[1],
            "reporter_name": "Siti Aminah",
            "phone": "081234567890",
        }
        fields.update(overrides)
        result = services.submit(**fields)
        return result.complaint, result.token

    return _submit


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def pytest_terminal_summary(terminalreporter):
    """Figures a test measured (record_property("figures", ...)): the region matrix's and the
    schemathesis run's counts, for the closing notes of issue 14. Works under xdist too."""
    lines = [
        value
        for key in ("passed", "failed")
        for report in terminalreporter.stats.get(key, [])
        for name, value in getattr(report, "user_properties", [])
        if name == "figures"
    ]
    if lines:
        terminalreporter.write_sep("-", "figures")
        for line in lines:
            terminalreporter.write_line(line)
