"""Channel settings in the region admin: secrets are never shown again, and each region admin
sees only their own region's settings."""

from django.contrib.auth.models import User

from laksana.channels.models import ChannelSettings
from laksana.testing.personas import person

URL = "/admin/channels/channelsettings/"


def _settings(region, **fields):
    return ChannelSettings.objects.create(
        region=region,
        provider="whatsapp",
        enabled=True,
        phone_number_id="1000001",
        access_token="EAAG-very-secret-access-token-9876",
        app_secret="app-secret-value-5432",
        verify_token="verify-token-value-1111",
        **fields,
    )


def test_secrets_are_masked_and_kept_when_left_empty(client, tangerang):
    account = _settings(tangerang)
    admin = User.objects.create_superuser("root", "root@example.org", "pw-123456")
    client.force_login(admin)
    page = client.get(f"{URL}{account.pk}/change/").content.decode()
    assert "EAAG-very-secret" not in page and "app-secret-value" not in page
    assert "••••9876" in page
    form = {
        "region": tangerang.pk,
        "provider": "whatsapp",
        "enabled": "on",
        "phone_number_id": "1000002",
        "access_token": "",
        "app_secret": "",
        "verify_token": "a-new-verify-token",
        "bot_token": "",
        "secret_token": "",
        "gateway_url": "",
        "api_key": "",
        "sender": "",
    }
    response = client.post(f"{URL}{account.pk}/change/", form)
    assert response.status_code == 302
    account.refresh_from_db()
    assert account.phone_number_id == "1000002"
    assert account.access_token == "EAAG-very-secret-access-token-9876"  # kept
    assert account.verify_token == "a-new-verify-token"  # replaced


def test_a_region_admin_sees_only_their_regions_settings(client, tangerang, contoh):
    ours = _settings(contoh)
    theirs = _settings(tangerang)
    admin = person("admin-contoh", contoh, "region_admin")
    admin.is_staff = True
    admin.save()
    client.force_login(admin)
    listing = client.get(URL).content.decode()
    assert f"{URL}{ours.pk}/change/" in listing
    assert f"{URL}{theirs.pk}/change/" not in listing
    assert client.get(f"{URL}{theirs.pk}/change/").status_code in (302, 403, 404)


def test_whatsapp_template_names_are_checked_before_they_are_kept(client, tangerang):
    account = _settings(tangerang)
    admin = User.objects.create_superuser("root", "root@example.org", "pw-123456")
    client.force_login(admin)
    form = {
        "region": tangerang.pk,
        "provider": "whatsapp",
        "enabled": "on",
        "phone_number_id": "1000001",
        **{name: "" for name in ("access_token", "app_secret", "verify_token", "bot_token")},
        **{name: "" for name in ("secret_token", "gateway_url", "api_key", "sender")},
    }
    url = f"{URL}{account.pk}/change/"
    wrong = client.post(url, {**form, "whatsapp_templates": '{"verifed": "Nama Salah"}'})
    assert wrong.status_code == 200
    assert "Jenis kabar tidak dikenal: verifed" in wrong.content.decode()
    wrong = client.post(url, {**form, "whatsapp_templates": '{"verified": "Nama Salah"}'})
    assert "hanya boleh huruf kecil" in wrong.content.decode()
    right = client.post(url, {**form, "whatsapp_templates": '{"verified": "tng_verifikasi"}'})
    assert right.status_code == 302
    account.refresh_from_db()
    assert account.whatsapp_templates == {"verified": "tng_verifikasi"}
    assert account.access_token == "EAAG-very-secret-access-token-9876"
    emptied = client.post(url, {**form, "whatsapp_templates": ""})  # left empty: the defaults
    assert emptied.status_code == 302
    account.refresh_from_db()
    assert account.whatsapp_templates == {}
