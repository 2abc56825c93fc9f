"""Whatever a client sends, the answer is a 2xx or a 4xx in Open311's shape, never a 500."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from laksana.open311.tests.helpers import BASE, validate
from laksana.testing.personas import IN_TANGERANG

pytestmark = pytest.mark.django_db

FIELDS = [
    "jurisdiction_id",
    "api_key",
    "service_code",
    "lat",
    "long",
    "address_string",
    "address_id",
    "email",
    "device_id",
    "account_id",
    "first_name",
    "last_name",
    "phone",
    "description",
    "media_url",
    "attribute[SIZE]",
    "attribute[LANES][]",
    "attribute[DEPTH]",
    "attribute[SEEN]",
    "attribute[]",
    "attribute[[x]]",
]
GET_FIELDS = [
    "jurisdiction_id",
    "service_request_id",
    "service_code",
    "start_date",
    "end_date",
    "updated_after",
    "updated_before",
    "status",
    "page",
    "page_size",
    "extensions",
]
PROPERTY = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

values = st.one_of(
    st.text(max_size=60),
    st.sampled_from(["", "0", "-6.1728", "106.6318", "1e400", "nan", "large", "JALAN-RUSAK"]),
    st.sampled_from(["kota-tangerang", "kota-contoh", "36.71.01.1001", "2026-11-20T07:00:00Z"]),
)
field_values = st.one_of(values, st.lists(values, min_size=1, max_size=3))


def _valid(api_key) -> dict:
    return {
        "jurisdiction_id": "kota-tangerang",
        "api_key": api_key,
        "service_code": "JALAN-RUSAK",
        "lat": str(IN_TANGERANG[0]),
        "long": str(IN_TANGERANG[1]),
        "description": "Jalan berlubang besar di depan sekolah dasar.",
        "attribute[SIZE]": "large",
    }


def _check(response) -> None:
    assert response.status_code < 500, response.content
    body = response.json()
    if response.status_code >= 400:
        validate("errors", body)


@PROPERTY
@given(
    changes=st.dictionaries(st.one_of(st.sampled_from(FIELDS), st.text(max_size=12)), field_values),
    drop=st.sets(st.sampled_from(FIELDS[:6])),
)
def test_random_form_input_to_post_requests_never_gives_a_500(client, road, api_key, changes, drop):
    data = {k: v for k, v in _valid(api_key).items() if k not in drop}
    data.update(changes)
    response = client.post(BASE + "requests.json", data)
    _check(response)
    if response.status_code == 200:
        validate("request_created", response.json())


@PROPERTY
@given(params=st.dictionaries(st.sampled_from(GET_FIELDS), field_values))
def test_random_filters_to_get_requests_never_give_a_500(client, tangerang, contoh, params):
    response = client.get(BASE + "requests.json", {"jurisdiction_id": "kota-tangerang", **params})
    _check(response)
    if response.status_code == 200:
        validate("requests", response.json())


@PROPERTY
@given(
    data=st.dictionaries(
        st.sampled_from(
            [
                "service_request_id",
                "update_id",
                "status",
                "description",
                "updated_datetime",
                "external_status_code",
                "media_url",
            ]
        ),
        field_values,
    )
)
def test_random_updates_never_give_a_500(client, tangerang, agency_key, data):
    data = {"jurisdiction_id": "kota-tangerang", "api_key": agency_key, **data}
    _check(client.post(BASE + "servicerequestupdates.json", data))
