import pytest

from laksana.complaints import services
from laksana.dispatch.officers import officer_for, set_availability
from laksana.testing.personas import staff


@pytest.fixture
def dispatched(submit, operator):
    """Submit a damaged-road complaint and dispose it to Dinas PUPR; returns the complaint."""

    def _dispatched(**overrides):
        complaint, _token = submit(**overrides)
        complaint = services.verify(staff=operator, complaint=complaint)
        return services.dispose(staff=operator, complaint=complaint, agency_code="PUPR")

    return _dispatched


@pytest.fixture
def officer(tangerang):
    """A PUPR field officer (Staff), on duty."""
    joko = staff("joko-tng", tangerang, "field_officer", "PUPR")
    set_availability(officer=officer_for(joko), availability="on_duty")
    return joko


@pytest.fixture
def make_officer(tangerang):
    def _make(username, agency="PUPR", availability="on_duty"):
        person = staff(username, tangerang, "field_officer", agency)
        profile = officer_for(person)
        set_availability(officer=profile, availability=availability)
        return person, profile

    return _make
