import pytest

from laksana.complaints import services


@pytest.fixture
def in_state(submit, operator, pupr):
    """A Kota Tangerang complaint, handled by PUPR from disposition on, moved to the given status
    (to reach "resolved" pick a category that needs no evidence photo, e.g. ADMINDUK)."""

    def make(status: str = "submitted", **fields):
        c, _token = submit(**fields)
        if status == "submitted":
            return c
        c = services.verify(staff=operator, complaint=c)
        if status == "verified":
            return c
        c = services.dispose(staff=operator, complaint=c, agency_code="PUPR")
        if status == "dispatched":
            return c
        c = services.accept(staff=pupr, complaint=c)
        if status == "in_progress":
            return c
        c = services.resolve(staff=pupr, complaint=c, response="Sudah ditangani.")
        if status == "resolved":
            return c
        raise ValueError(status)

    return make


def url(region_slug: str, *parts: str) -> str:
    return "/" + "/".join([region_slug, "console", *parts]) + "/"
