"""Tokens and API keys in URLs never reach the logs (issue 14, item 12)."""

import logging

import pytest

from laksana.common.logredact import RedactSecretsFilter
from laksana.common.serving import ACCESS_FORMAT


@pytest.mark.django_db
def test_tracking_token_is_redacted_from_djangos_request_log(client, caplog):
    caplog.set_level(logging.WARNING, logger="django.request")
    response = client.get("/lacak/SECRETTOKEN12345/")
    assert response.status_code == 404
    lines = [r.getMessage() for r in caplog.records if r.name == "django.request"]
    assert lines, "Django logs the 404"
    assert all("SECRETTOKEN12345" not in line for line in lines)
    assert any("/lacak/[redacted]/" in line for line in lines)


def _access_record(path: str) -> logging.LogRecord:
    args = {
        "addr": "10.0.0.7",
        "method": "GET",
        "path": path,
        "protocol": "HTTP/1.1",
        "status": 200,
        "dt_ms": 3.2,
    }
    return logging.LogRecord("granian.access", logging.INFO, __file__, 1, ACCESS_FORMAT, args, None)


def test_the_configured_access_logger_redacts_api_key_and_path_tokens():
    access = logging.getLogger("granian.access")
    assert any(isinstance(f, RedactSecretsFilter) for f in access.filters)
    for path, secret, kept in [
        ("/open311/v2/requests.json?api_key=K3YSECRET&jurisdiction_id=x", "K3YSECRET", "x"),
        ("/open311/v2/tokens/T0KENSECRET.json", "T0KENSECRET", ".json"),
        ("/lapor/terkirim/SUBMITSECRET/", "SUBMITSECRET", "/lapor/terkirim/"),
        ("/console/undangan/INVITESECRET/", "INVITESECRET", "/undangan/"),
        ("/accounts/login/?next=/a&password=hunter2", "hunter2", "next=/a"),
        ("/media/kota-tangerang/7.jpg?sig=1xZ1bW:PH0T0SECRET", "PH0T0SECRET", "/7.jpg?sig="),
    ]:
        record = _access_record(path)
        for f in access.filters:
            f.filter(record)
        line = record.getMessage()
        assert secret not in line and "[redacted]" in line and kept in line, line
        assert line.startswith('10.0.0.7 "GET ') and line.endswith(" 200 3.2ms")
