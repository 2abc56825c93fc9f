"""A database that cannot be reached answers 503 with Retry-After on every interface, never a
500 traceback (issue 15, item 7). The outage is real: the connection is pointed at a PostgreSQL
port where nothing listens, or at an SQLite file in a folder that does not exist."""

import json
import socket

import pytest
from django.db import connection
from django.test import Client


def _unreachable(settings_dict: dict, tmp_path) -> dict:
    if connection.vendor == "sqlite":
        return {"NAME": str(tmp_path / "missing-folder" / "laksana.sqlite3")}
    with socket.socket() as s:  # a free port: nothing answers there
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return {"HOST": "127.0.0.1", "PORT": str(port)}


@pytest.mark.django_db(transaction=True)
def test_every_interface_answers_503_with_retry_after_while_the_database_is_away(
    tangerang, tmp_path
):
    saved = dict(connection.settings_dict)
    client = Client(raise_request_exception=False)
    assert client.get(f"/{tangerang.slug}/").status_code == 200
    connection.close()
    connection.settings_dict.update(_unreachable(saved, tmp_path))
    try:
        page = client.get(f"/{tangerang.slug}/")
        api = client.get("/api/v1/regions")
        open311 = client.get("/open311/v2/services.json", {"jurisdiction_id": tangerang.slug})
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)
    for response in (page, api, open311):
        assert response.status_code == 503, response.content[:300]
        assert response["Retry-After"] == "5"
        assert response["Cache-Control"] == "no-store"
    assert "Coba lagi sebentar lagi" in page.content.decode()
    assert "Traceback" not in page.content.decode()
    assert json.loads(api.content)["code"] == "unavailable"
    assert json.loads(open311.content)[0]["code"] == 503
    # And back: the next request after the database returns is served normally.
    assert client.get(f"/{tangerang.slug}/").status_code == 200
