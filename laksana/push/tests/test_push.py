"""End to end: a browser subscribes through the page's endpoint, an event is written, the outbox
delivers through pywebpush to a stand-in push service, and the test decrypts what it received
with the browser's private key."""

import json

import pytest
from django.test import Client
from py_vapid import Vapid

from laksana.complaints import services as lifecycle
from laksana.dispatch import assignments as work
from laksana.dispatch.officers import officer_for, set_availability
from laksana.notify import delivery
from laksana.notify.models import Notification
from laksana.push.models import PushSubscription
from laksana.testing.personas import staff

pytestmark = pytest.mark.django_db
SUBSCRIBE = "/kota-tangerang/push/subscribe/"
UNSUBSCRIBE = "/kota-tangerang/push/unsubscribe/"


def _subscribe(user, browser, url=SUBSCRIBE):
    client = Client()
    client.force_login(user)
    return client.post(url, json.dumps(browser.subscription), content_type="application/json")


def _pushes(channel="webpush"):
    return list(Notification.objects.filter(channel=channel).order_by("id"))


def _disposed(submit, operator):
    complaint, _token = submit(email="warga@example.id")
    complaint = lifecycle.verify(staff=operator, complaint=complaint)
    return lifecycle.dispose(staff=operator, complaint=complaint, agency_code="PUPR")


def test_liaison_gets_a_new_disposition_on_their_phone(submit, operator, pupr, push_service):
    phone = push_service.browser()
    assert _subscribe(pupr.user, phone).status_code == 201
    complaint = _disposed(submit, operator)

    (row,) = _pushes()
    assert (row.recipient, row.user_id, row.audience) == (phone.endpoint, pupr.user.pk, "staff")
    assert delivery.deliver(row.pk) == "sent"
    (request,) = push_service.received
    headers = request["headers"]
    assert request["path"] == "/wpush/v2/device-1"
    assert headers["content-encoding"] == "aes128gcm"
    assert int(headers["ttl"]) > 0
    assert headers["topic"] == row.key.hex  # a retry of this row replaces, never repeats
    assert Vapid.verify(headers["authorization"])  # signed with the installation's VAPID key
    assert b"Jalan" not in request["body"]  # encrypted for the browser: the service reads nothing

    shown = phone.decrypt(request["body"])
    assert shown["title"] == f"Disposisi baru untuk {complaint.agency.short_name}"
    assert complaint.number in shown["body"]
    assert complaint.category.name in shown["body"]
    assert complaint.area.name in shown["body"]
    assert shown["url"] == "/kota-tangerang/live/desk/PUPR/"
    assert shown["tag"] == row.key.hex
    # Never the reporter's name or contact.
    everything = json.dumps(shown)
    for secret in ("Siti", "081234567890", "warga@example.id"):
        assert secret not in everything
    subscription = PushSubscription.objects.get()
    assert subscription.last_success is not None and subscription.failures == 0
    # Delivered once: the job running again leaves the row alone.
    assert delivery.deliver(row.pk) == "sent"
    assert len(push_service.received) == 1


def test_only_the_agency_liaisons_with_a_subscription_are_pushed(
    submit, operator, pupr, tangerang, push_service
):
    dishub = staff("dishub-tng", tangerang, "agency_staff", "DISHUB")
    assert _subscribe(dishub.user, push_service.browser()).status_code == 201
    assert _subscribe(operator.user, push_service.browser()).status_code == 201
    _disposed(submit, operator)
    assert _pushes() == []  # PUPR's liaison has no subscription; others are not PUPR's


def test_officer_gets_a_new_task_on_their_phone(submit, operator, pupr, tangerang, push_service):
    joko = staff("joko-tng", tangerang, "field_officer", "PUPR")
    profile = officer_for(joko)
    set_availability(officer=profile, availability="on_duty")
    phone = push_service.browser()
    assert _subscribe(joko.user, phone).status_code == 201
    complaint = _disposed(submit, operator)
    (task,) = work.assign(staff=pupr, complaint=complaint, officers=[profile])

    (row,) = _pushes()
    assert row.user_id == joko.user.pk and row.event.type == "assigned"
    assert delivery.deliver(row.pk) == "sent"
    shown = phone.decrypt(push_service.received[0]["body"])
    assert shown["title"] == "Tugas lapangan baru"
    assert complaint.number in shown["body"]
    assert shown["url"] == f"/kota-tangerang/field/tasks/{task.pk}/"


def test_a_gone_subscription_is_deleted(submit, operator, pupr, push_service):
    assert _subscribe(pupr.user, push_service.browser()).status_code == 201
    push_service.status = 410
    _disposed(submit, operator)
    (row,) = _pushes()
    assert delivery.deliver(row.pk) == "failed"
    row.refresh_from_db()
    assert "410" in row.last_error
    assert not PushSubscription.objects.exists()
    # The next disposition has nobody to push to.
    _disposed(submit, operator)
    assert len(_pushes()) == 1


def test_a_server_error_is_retried(submit, operator, pupr, push_service):
    assert _subscribe(pupr.user, push_service.browser()).status_code == 201
    push_service.status = 503
    _disposed(submit, operator)
    (row,) = _pushes()
    assert delivery.deliver(row.pk) == "pending"
    assert PushSubscription.objects.get().failures == 1


def test_another_regions_staff_cannot_subscribe_here(other_operator, push_service):
    response = _subscribe(other_operator.user, push_service.browser())
    assert response.status_code == 404
    assert not PushSubscription.objects.exists()
    # Nor anonymously.
    anonymous = Client().post(SUBSCRIBE, "{}", content_type="application/json")
    assert anonymous.status_code == 404


def test_subscribing_needs_the_csrf_token(pupr, push_service):
    client = Client(enforce_csrf_checks=True)
    client.force_login(pupr.user)
    browser = push_service.browser()
    response = client.post(
        SUBSCRIBE, json.dumps(browser.subscription), content_type="application/json"
    )
    assert response.status_code == 403
    assert not PushSubscription.objects.exists()


def test_bad_subscriptions_are_refused(pupr, push_service, settings):
    browser = push_service.browser()
    broken = {**browser.subscription, "keys": {"p256dh": "AAAA", "auth": "x"}}
    client = Client()
    client.force_login(pupr.user)
    response = client.post(SUBSCRIBE, json.dumps(broken), content_type="application/json")
    assert response.status_code == 422
    # An endpoint inside the installation's network (egress rules, as for webhooks).
    settings.WEBHOOK_ALLOWED_NETWORKS = ()
    assert _subscribe(pupr.user, browser).status_code == 422
    assert not PushSubscription.objects.exists()


def test_unsubscribe_forgets_only_ones_own_browser(pupr, tangerang, push_service):
    phone = push_service.browser()
    assert _subscribe(pupr.user, phone).status_code == 201
    stranger = staff("pupr-admin-tng", tangerang, "agency_admin", "PUPR")
    client = Client()
    client.force_login(stranger.user)
    body = json.dumps({"endpoint": phone.endpoint})
    answer = client.post(UNSUBSCRIBE, body, content_type="application/json")
    assert answer.json()["removed"] is False
    assert PushSubscription.objects.exists()
    client.force_login(pupr.user)
    answer = client.post(UNSUBSCRIBE, body, content_type="application/json")
    assert answer.status_code == 200 and answer.json()["removed"] is True
    assert not PushSubscription.objects.exists()


def test_service_worker_is_served_from_the_root(client):
    response = client.get("/push-sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert b"showNotification" in response.content
    assert b"innerHTML" not in response.content


def test_push_is_off_without_a_key_in_production(settings, submit, operator, pupr, push_service):
    assert _subscribe(pupr.user, push_service.browser()).status_code == 201
    settings.VAPID_PRIVATE_KEY = settings.VAPID_PUBLIC_KEY = ""
    settings.DEBUG = False
    _disposed(submit, operator)
    assert _pushes() == []


def test_a_key_is_generated_once_in_development(settings, tmp_path):
    from laksana.push import keys

    settings.VAPID_PRIVATE_KEY = settings.VAPID_PUBLIC_KEY = ""
    settings.DEBUG = True
    settings.DATA_DIR = tmp_path
    first = keys.public_key()
    assert first and (tmp_path / keys.KEY_FILE).stat().st_mode & 0o077 == 0
    keys._pair.cache_clear()
    assert keys.public_key() == first


def test_delivery_checks_the_egress_rules_again(submit, operator, pupr, push_service, settings):
    """An endpoint accepted once is checked again at each delivery, inside the connection: an
    address no longer allowed is refused for good, and nothing reaches it."""
    assert _subscribe(pupr.user, push_service.browser()).status_code == 201
    _disposed(submit, operator)
    (row,) = _pushes()
    settings.WEBHOOK_ALLOWED_NETWORKS = ()
    assert delivery.deliver(row.pk) == "failed"
    row.refresh_from_db()
    assert "Refused" in row.last_error
    assert push_service.received == []
