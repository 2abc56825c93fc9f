"""The stack limit (laksana.bench.limit) answers what the bench compares Laksana with: the same
complaints in the same order and with the same cursors as Laksana's lists, a template page of
25 rows, a page of 1,000, and a submission written as two rows or not at all."""

import asyncio
import json
from unittest import mock

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client, override_settings

from laksana.bench.generator import generate
from laksana.bench.prepare import encode_cursor
from laksana.complaints.models import Complaint

SLUG = "kota-tangerang"


@pytest.fixture(scope="module")
def limit_app(django_db_setup, django_db_blocker):
    """The limit app installed beside Laksana's, its own two tables created in the test
    database (its reads map Laksana's tables, which are there already)."""
    with override_settings(
        INSTALLED_APPS=[*settings.INSTALLED_APPS, "laksana.bench.limit"],
        ROOT_URLCONF="laksana.bench.limit.urls",
        MIDDLEWARE=[],
    ):
        from laksana.bench.limit.models import Note, Submission

        with django_db_blocker.unblock(), connection.schema_editor() as editor:
            editor.create_model(Submission)
            editor.create_model(Note)
        try:
            yield Submission, Note
        finally:
            with django_db_blocker.unblock(), connection.schema_editor() as editor:
                editor.delete_model(Note)
                editor.delete_model(Submission)


@pytest.fixture(autouse=True)
def region_ids_read_afresh():
    """The limit reads a region's id once per process (pages.region_id); the region of one
    test is not the previous test's, once a transactional test in between flushed them."""
    import sys

    pages = sys.modules.get("laksana.bench.limit.pages")  # imported with the app installed
    if pages is not None:
        pages._region_ids.clear()


@pytest.fixture
def generated(limit_app, tangerang, media_root):
    return generate(tangerang, count=60, seed=7, chunk=30)


def _newest(region) -> list[Complaint]:
    return list(Complaint.objects.filter(region=region).order_by("-submitted_at", "-id"))


def test_limit_pages_walk_every_complaint_once_newest_first(generated, tangerang):
    numbers, cursor = [], None
    for _page in range(50):
        query = f"?limit=7&cursor={cursor}" if cursor else "?limit=7"
        answer = Client().get(f"/limit/api/regions/{SLUG}/complaints{query}")
        assert answer.status_code == 200
        body = answer.json()
        numbers += [row["number"] for row in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert numbers == [c.number for c in _newest(tangerang)]


def test_limit_page_reads_a_cursor_written_as_laksanas_lists_write_them(generated, tangerang):
    newest = _newest(tangerang)
    cursor = encode_cursor(newest[9].submitted_at, newest[9].pk)  # as the bench's deep_cursor
    body = Client().get(f"/limit/api/regions/{SLUG}/complaints?cursor={cursor}").json()
    assert [row["number"] for row in body["items"]] == [c.number for c in newest[10:35]]
    first = body["items"][0]
    assert first["category_code"] == newest[10].category.code
    assert first["area_name"] == (newest[10].area.name if newest[10].area else None)


def test_limit_template_page_renders_25_rows_and_the_next_page(generated, tangerang):
    answer = Client().get(f"/limit/{SLUG}/page/")
    assert answer.status_code == 200
    html = answer.content.decode()
    shown = [c.number for c in _newest(tangerang)[:26]]
    assert all(f">{number}</a>" in html for number in shown[:25])
    assert f">{shown[25]}</a>" not in html
    assert "?after=" in html


def test_limit_page_of_1000_answers_every_complaint_up_to_1000(generated, tangerang):
    rows = Client().get(f"/limit/api/regions/{SLUG}/complaints-1000").json()
    newest = _newest(tangerang)
    assert [r["number"] for r in rows] == [c.number for c in newest]
    assert rows[0]["description"] == newest[0].description


def _post(body: dict):
    return Client(raise_request_exception=False).post(
        f"/limit/api/regions/{SLUG}/submissions", json.dumps(body), content_type="application/json"
    )


def test_limit_submission_writes_a_row_and_its_note(limit_app, tangerang):
    submission_model, note_model = limit_app
    answer = _post({"category": "JALAN-RUSAK", "description": "Jalan berlubang", "name": "Ani"})
    assert answer.status_code == 201
    submission = submission_model.objects.get()
    assert answer.json()["number"] == f"LIM-{submission.pk:06d}"
    assert submission.region_id == tangerang.pk and submission.reporter_name == "Ani"
    assert note_model.objects.get().submission_id == submission.pk


def test_limit_submission_leaves_nothing_when_its_second_row_fails(limit_app, tangerang):
    submission_model, note_model = limit_app
    with mock.patch.object(note_model.objects, "create", side_effect=RuntimeError("lost")):
        answer = _post({"category": "JALAN-RUSAK", "description": "Jalan berlubang"})
    assert answer.status_code == 500
    assert not submission_model.objects.exists()


def test_limit_fanout_writes_each_message_to_the_streams_of_its_region_only():
    from laksana.bench.limit.fanout import Fanout

    payload = json.dumps({"region": SLUG, "complaint": {"number": "LIM-000001"}})

    async def scenario():
        fanout = object.__new__(Fanout)  # without its listener: no PostgreSQL here
        fanout.clients = {}
        mine, other = fanout.attach(SLUG), fanout.attach("kota-contoh")
        fanout.deliver(payload)
        fanout.detach(SLUG, mine)
        fanout.deliver(payload)  # after the stream left: not queued for it
        return [mine.get_nowait() for _i in range(mine.qsize())], other.qsize()

    frames, others = asyncio.run(scenario())
    assert frames == [f"data: {payload}\n\n".encode()]
    assert others == 0
