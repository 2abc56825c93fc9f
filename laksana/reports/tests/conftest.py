"""A small scene every report test shares (also the browser test's)."""

from datetime import timedelta

import pytest

from laksana.bench.generator import generate
from laksana.common import clock
from laksana.complaints import services
from laksana.demo.services import ensure_accounts, seed_history
from laksana.dispatch.demo import seed as seed_field_work
from laksana.reports import rollup
from laksana.testing.personas import IN_CONTOH, IN_TANGERANG, staff


@pytest.fixture
def scene(tangerang, contoh, operator):
    """In Tangerang: a complaint resolved by PUPR, one with Dinas Perhubungan, one submitted
    and not verified, one confidential; one in Kota Contoh. All rolled up."""
    pupr = staff("pupr-r", tangerang, "agency_staff", "PUPR")
    start = clock.now() - timedelta(days=2)

    def submit(region=tangerang, point=IN_TANGERANG, code="JALAN-RUSAK", **more):
        return services.submit(
            region=region,
            category_code=code,
            description="Jalan berlubang dalam di depan sekolah, sudah dua minggu.",
            lat=point[0],
            lng=point[1],
            reporter_name="Siti Aminah",
            phone="081234567890",
            **more,
        ).complaint

    with clock.at(start):
        resolved = submit()
        services.verify(staff=operator, complaint=resolved)
        services.dispose(staff=operator, complaint=resolved, agency_code="PUPR")
    with clock.at(start + timedelta(hours=2)):
        services.accept(staff=pupr, complaint=resolved)
        services.respond(staff=pupr, complaint=resolved, text="Tim dijadwalkan besok pagi.")
    with clock.at(start + timedelta(hours=5)):
        resolved.category.needs_photo_to_resolve = False
        resolved.category.save()
        services.resolve(staff=pupr, complaint=resolved, response="Lubang sudah ditambal.")
        services.rate(complaint=resolved, rating=4)
    other = submit(code="PARKIR-LIAR")
    services.verify(staff=operator, complaint=other)
    services.dispose(staff=operator, complaint=other)
    unverified = submit()
    secret = submit(is_confidential=True)
    services.verify(staff=operator, complaint=secret)
    submit(region=contoh, point=IN_CONTOH, code=contoh.categories.first().code)
    for region in (tangerang, contoh):
        rollup.rebuild_since(region)
    return {
        "resolved": resolved,
        "other": other,
        "unverified": unverified,
        "secret": secret,
        "pupr": pupr,
    }


@pytest.fixture
def history(tangerang, media_root):
    """150 generated complaints over 60 days, the demo history on top and field work."""
    generate(tangerang, count=150, seed=11, days=60, chunk=64)
    ensure_accounts(tangerang)
    seed_history(tangerang, count=40)
    seed_field_work(tangerang)  # field tasks at every step (assigned, started, arrived, done)
    return tangerang
