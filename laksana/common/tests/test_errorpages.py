"""Error pages: in the site's design and language, with a next step; JSON APIs stay JSON."""

import pytest
from django.test import Client
from django.urls import path

from laksana import urls as project_urls


def boom(request):
    raise RuntimeError("kaput")


urlpatterns = [path("boom/", boom), *project_urls.urlpatterns]
handler500 = project_urls.handler500
handler404 = project_urls.handler404
handler403 = project_urls.handler403


@pytest.mark.urls("laksana.common.tests.test_errorpages")
def test_500_renders_the_designed_page_without_database_or_context(settings):
    settings.DEBUG = False
    response = Client(raise_request_exception=False).get("/boom/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "Terjadi kesalahan pada sistem" in body
    assert 'href="/"' in body and "Kembali ke halaman utama" in body
    assert "Server Error" not in body


@pytest.mark.django_db
def test_csrf_failure_is_the_designed_page_with_a_way_back(settings, tangerang):
    settings.DEBUG = False
    response = Client(enforce_csrf_checks=True).post("/kota-tangerang/lapor/", {})
    assert response.status_code == 403
    body = response.content.decode()
    assert "Formulir kedaluwarsa" in body
    assert 'href="/kota-tangerang/"' in body
    assert "CSRF verification failed" not in body


@pytest.mark.django_db
def test_404_for_a_citizen_points_to_the_region_home(client, tangerang):
    response = client.get("/kota-tangerang/tidak-ada/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "Halaman tidak ditemukan" in body
    assert 'id="next-step" href="/kota-tangerang/"' in body


@pytest.mark.django_db
def test_404_in_english_after_switching_language(client, tangerang):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    body = client.get("/kota-tangerang/tidak-ada/").content.decode()
    assert "Page not found" in body and "Halaman tidak ditemukan" not in body


@pytest.mark.django_db
def test_403_for_a_liaison_is_the_designed_page_with_the_console(client, pupr):
    client.force_login(pupr.user)
    response = client.get("/kota-tangerang/field/roster/report/")
    assert response.status_code == 403
    body = response.content.decode()
    assert "Anda tidak memiliki akses" in body
    assert 'id="next-step" href="/kota-tangerang/console/"' in body


@pytest.mark.django_db
def test_api_errors_stay_json(client, tangerang):
    response = client.get("/api/v1/tidak-ada/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["code"] == "not_found"
    response = client.get("/open311/v2/tidak-ada/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")


@pytest.mark.django_db
def test_400_is_the_designed_page(client, settings):
    settings.ALLOWED_HOSTS = ["testserver"]
    response = client.get("/", headers={"host": "bad host!"})
    assert response.status_code == 400
    assert "Permintaan tidak dapat diproses" in response.content.decode()
