"""Webhooks reach public addresses only, over HTTPS by default: refused when the endpoint is
saved, and again at delivery inside the connection (DNS may have changed) (issue 14, item 4)."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.contrib.auth import get_user_model

from laksana.notify import delivery
from laksana.notify.egress import Refused, check_url
from laksana.notify.models import Notification, WebhookEndpoint

from .fakes import Receiver

INTERNAL = [
    "https://127.0.0.1/hook",
    "https://127.8.9.10:8443/hook",
    "https://localhost/hook",
    "https://10.0.0.1/hook",
    "https://172.16.5.4/hook",
    "https://192.168.1.10/hook",
    "https://100.64.0.1/hook",  # carrier-grade NAT, shared address space
    "https://169.254.169.254/latest/meta-data/",  # cloud metadata
    "https://0.0.0.0/hook",
    "https://[::1]/hook",
    "https://[fe80::1]/hook",
    "https://[fd12:3456::1]/hook",
    "https://[::ffff:127.0.0.1]/hook",  # IPv4-mapped loopback
    "https://224.0.0.1/hook",
]


@pytest.fixture
def strict(settings):
    """The installation's defaults (the notify tests' conftest allows the local receivers)."""
    settings.WEBHOOK_ALLOW_HTTP = False
    settings.WEBHOOK_ALLOWED_NETWORKS = ()
    return settings


@pytest.mark.parametrize("url", INTERNAL)
def test_internal_addresses_are_refused(strict, url):
    with pytest.raises(Refused, match="bukan alamat publik"):
        check_url(url)


def test_plain_http_is_refused_unless_allowed_and_public_https_passes(strict):
    with pytest.raises(Refused, match="https://"):
        check_url("http://93.184.216.34/hook")
    check_url("https://93.184.216.34/hook")  # a public address: no error
    strict.WEBHOOK_ALLOW_HTTP = True
    check_url("http://93.184.216.34/hook")


def test_an_allowed_network_may_be_reached(strict):
    strict.WEBHOOK_ALLOWED_NETWORKS = ("10.20.0.0/16",)
    check_url("https://10.20.3.4/hook")
    with pytest.raises(Refused):
        check_url("https://10.21.0.1/hook")


@pytest.mark.django_db
def test_the_admin_refuses_to_save_an_internal_endpoint(client, strict, tangerang):
    admin = get_user_model().objects.create_superuser("root-egress", "r@example.id", "x")
    client.force_login(admin)
    response = client.post(
        "/admin/notify/webhookendpoint/add/",
        {
            "region": tangerang.pk,
            "name": "Gudang data",
            "url": "https://169.254.169.254/latest/meta-data/",
            "secret": "s" * 32,
            "event_types": "",
            "is_active": "on",
        },
    )
    assert response.status_code == 200
    assert "bukan alamat publik" in response.content.decode()
    assert not WebhookEndpoint.objects.exists()


@pytest.mark.django_db
def test_delivery_to_an_address_that_became_internal_fails_and_sends_nothing(
    strict, submit, tangerang
):
    """Saved when allowed (or when its name pointed elsewhere); refused at delivery."""
    strict.WEBHOOK_ALLOW_HTTP = True
    receiver = Receiver()
    try:
        WebhookEndpoint.objects.create(region=tangerang, name="Lama", url=receiver.url)
        c, _token = submit()
        row = Notification.objects.get(complaint=c, channel="webhook")
        assert delivery.deliver(row.pk) == "failed"
        assert "bukan alamat publik" in Notification.objects.get(pk=row.pk).last_error
        assert receiver.requests == []
    finally:
        receiver.close()


@pytest.mark.django_db
def test_a_redirect_is_not_followed(submit, tangerang):
    target = Receiver()
    hits = []

    class Redirecting(BaseHTTPRequestHandler):
        def do_POST(self):
            hits.append(self.path)
            self.send_response(307)
            self.send_header("Location", target.url)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Redirecting)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/hook"
        WebhookEndpoint.objects.create(region=tangerang, name="Pindah", url=url)
        c, _token = submit()
        row = Notification.objects.get(complaint=c, channel="webhook")
        assert delivery.deliver(row.pk) == "failed"
        assert "HTTP 307" in Notification.objects.get(pk=row.pk).last_error
        assert hits == ["/hook"] and target.requests == []
    finally:
        server.shutdown()
        server.server_close()
        target.close()
