"""Schemathesis against the JSON API, in-process (issue 14): every operation of the OpenAPI schema,
anonymously and with an operator's token, with generated and with real path parameters. No answer
may be a 5xx, and every answer must match what the schema says (status code, content type, body).

Bounded for `make test`: LAKSANA_SCHEMATHESIS_EXAMPLES cases per operation and identity (default
10), derandomized so a failure repeats; set it higher for a deeper run. The figures (operations,
cases, failures) are printed in pytest's terminal summary.
"""

import os

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from laksana.testing.personas import IN_TANGERANG, TANGERANG_DIR, ensure_region
from laksana.testing.regiondata import populate

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("schemathesis")]
EXAMPLES = int(os.environ.get("LAKSANA_SCHEMATHESIS_EXAMPLES", "10"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture
def in_process(settings):
    """The WSGI app on the test's own connection: Django closes a connection after each request
    unless told otherwise (as its test client does), which would end the test's transaction."""
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "localhost"]
    settings.RATE_LIMIT_EXEMPT_ADDRESSES = frozenset({"127.0.0.1"})
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _real_values(world) -> dict[str, list[str]]:
    c = world.complaints
    return {
        "slug": [world.slug],
        "number": [x.number for x in c.values()],
        "token": list(world.tracking_tokens.values()),
        "task_id": [str(i) for i in world.task_ids],
        "officer_id": [str(i) for i in world.officer_ids],
        "shift_id": [str(i) for i in world.shift_ids],
        "desk_id": [str(i) for i in world.desk_ids],
        "token_id": [str(i) for i in world.api_token_ids],
        "code": ["PUPR"],
    }


def test_no_generated_request_gets_a_5xx_or_an_answer_off_the_schema(in_process, record_property):
    world = populate(ensure_region(TANGERANG_DIR), IN_TANGERANG, "TNG")
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", in_process)
    real = _real_values(world)
    identities = {
        "anonymous": {},
        "operator": {"Authorization": f"Bearer {world.api_tokens['operator']}"},
    }
    failures: list[str] = []
    cases = 0
    operations = [result.ok() for result in schema.get_all_operations()]

    def runner(operation, identity: str, headers: dict):
        @settings(
            max_examples=EXAMPLES,
            derandomize=True,
            deadline=None,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy(), use_real=st.booleans(), pick=st.integers(0, 99))
        def run(case, use_real, pick):
            nonlocal cases
            cases += 1
            if use_real:  # half the cases reach a real object, not only a 404
                for name in case.path_parameters or {}:
                    if name in real:
                        case.path_parameters[name] = real[name][pick % len(real[name])]
            try:
                case.call_and_validate(headers=headers, checks=CHECKS)
            except (Exception, BaseExceptionGroup) as exc:  # a check failed, or the app raised
                failures.append(f"{identity} {case.method} {case.formatted_path}: {exc}"[:1500])

        return run

    for operation in operations:
        for identity, headers in identities.items():
            runner(operation, identity, headers)()

    figures = (
        f"schemathesis: {len(operations)} operations, {cases} cases "
        f"({EXAMPLES} per operation and identity), {len(failures)} failures"
    )
    record_property("figures", figures)
    print(figures)
    assert len(operations) > 50
    assert not failures, "\n\n".join(failures[:20])


def test_every_operation_documents_its_error_answers():
    """A client generated from the schema knows the error statuses and their shape."""
    from laksana.api import ERROR_STATUSES, api

    schema = api.get_openapi_schema(path_prefix="/api/v1/")
    missing = [
        f"{method.upper()} {path}"
        for path, methods in schema["paths"].items()
        for method, op in methods.items()
        if not {str(s) for s in ERROR_STATUSES} <= {str(s) for s in op["responses"]}
    ]
    assert not missing, missing
    assert schema["components"]["schemas"]["ErrorOut"]["required"] == ["detail", "code"]
