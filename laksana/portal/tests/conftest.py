import pytest
from django.conf import settings
from django.core.cache import cache, caches

from laksana.testing.personas import CONTOH_DIR, TANGERANG_DIR, ensure_region


@pytest.fixture(autouse=True)
def fresh_caches(django_db_blocker):
    """Headline numbers and rate-limit counters must not leak from one test into the next (the
    rate-limit table is not a model, so transactional tests' flush leaves it alone)."""
    cache.clear()
    with django_db_blocker.unblock():
        caches["ratelimit"].clear()
    yield
    cache.clear()


@pytest.fixture(scope="session", autouse=True)
def static_root():
    # WhiteNoise warns on every test client when STATIC_ROOT does not exist (nothing is collected
    # in tests: the finders serve the files).
    settings.STATIC_ROOT.mkdir(parents=True, exist_ok=True)


@pytest.fixture(scope="module")
def regions_after_flush(django_db_blocker):
    """Transactional tests (browser, concurrency) end with a flush that empties every table,
    including the two regions the session loaded. Put them back once the module is done, so that
    later tests do not each reload them inside their own rolled-back transaction."""
    yield
    with django_db_blocker.unblock():
        ensure_region(TANGERANG_DIR)
        ensure_region(CONTOH_DIR)


@pytest.fixture
def publish_at_once(tangerang, contoh):
    """Both regions publish complaints before verification (a region setting), for tests of
    public pages that are about something else; publication has its own tests."""
    for region in (tangerang, contoh):
        region.publish_before_verification = True
        region.save(update_fields=["publish_before_verification"])
