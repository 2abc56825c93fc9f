import pytest

from laksana.agencies.models import Category
from laksana.open311.keys import create_key

ROAD_ATTRIBUTES = [
    {
        "code": "SIZE",
        "datatype": "singlevaluelist",
        "required": True,
        "description": "Seberapa besar lubangnya?",
        "order": 1,
        "values": [{"key": "small", "name": "Kecil"}, {"key": "large", "name": "Besar"}],
    },
    {
        "code": "LANES",
        "datatype": "multivaluelist",
        "required": False,
        "description": "Lajur mana yang terdampak?",
        "order": 2,
        "values": [{"key": "left", "name": "Kiri"}, {"key": "right", "name": "Kanan"}],
    },
    {"code": "DEPTH", "datatype": "number", "required": False, "order": 3, "description": "cm"},
    {"code": "SEEN", "datatype": "datetime", "required": False, "order": 4, "description": "Kapan"},
    {"code": "NOTE", "datatype": "text", "required": False, "order": 5, "description": "Catatan"},
    {
        "code": "INFO",
        "variable": False,
        "datatype": "string",
        "order": 6,
        "description": "Lubang di jalan nasional diteruskan ke Kementerian PU.",
    },
]


@pytest.fixture
def road(tangerang):
    """Damaged roads, with a service definition asking size (required), lanes, depth, ..."""
    category = Category.objects.get(region=tangerang, code="JALAN-RUSAK")
    category.attributes = ROAD_ATTRIBUTES
    category.keywords = "jalan, lubang, aspal"
    category.save()
    return category


@pytest.fixture
def api_key(tangerang):
    """The raw key of an application in Kota Tangerang."""
    return create_key(region=tangerang, name="Aplikasi Warga", rate_limit=10_000)[1]


@pytest.fixture
def agency_key(tangerang):
    """The raw key of Dinas PUPR's own work-order system."""
    return create_key(region=tangerang, name="SIMPUPR", agency_code="PUPR", rate_limit=10_000)[1]


@pytest.fixture
def contoh_key(contoh):
    return create_key(region=contoh, name="Aplikasi Contoh", rate_limit=10_000)[1]


@pytest.fixture
def publish_at_once(tangerang, contoh):
    """Both regions publish complaints before verification (a region setting), so tests of
    Open311's filters can read requests in every state; publication has its own tests."""
    for region in (tangerang, contoh):
        region.publish_before_verification = True
        region.save(update_fields=["publish_before_verification"])
