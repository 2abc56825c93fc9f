"""Staff JSON API: who may do what, region isolation with three personas, keyset pages, 409s."""

import json

import pytest

from laksana.accounts.models import ApiToken
from laksana.common.errors import NotFound
from laksana.complaints import services
from laksana.complaints.models import Complaint, Event
from laksana.testing.personas import IN_CONTOH, PASSWORD, person

pytestmark = pytest.mark.django_db
BASE = "/api/v1/regions/kota-tangerang/staff/complaints"
ACTIONS = [
    ("verify", {}),
    ("reject", {"reason": "Spam."}),
    ("merge", {"duplicate_of": "TNG-0000-000000"}),
    ("acknowledge", {}),
    ("dispose", {}),
    ("accept", {}),
    ("return", {"reason": "Bukan wewenang."}),
    ("forward", {"agency": "DLH", "reason": "Salah OPD."}),
    ("respond", {"text": "Sedang dikerjakan."}),
    ("note", {"text": "Catatan."}),
    ("resolve", {"response": "Selesai."}),
    ("close", {}),
    ("privacy", {"anonymous": True}),
]


def api_token(client, user) -> str:
    response = client.post(
        "/api/v1/auth/token",
        data=json.dumps({"username": user.username, "password": PASSWORD, "name": "uji"}),
        content_type="application/json",
    )
    assert response.status_code == 201
    return response.json()["token"]


def _auth(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def _post(client, url, body, token):
    return client.post(url, data=json.dumps(body), content_type="application/json", **_auth(token))


def test_anonymous_gets_401_everywhere(client, submit):
    complaint, _token = submit()
    assert client.get(BASE).status_code == 401
    assert client.get(f"{BASE}/{complaint.number}").status_code == 401
    for action, body in ACTIONS:
        url = f"{BASE}/{complaint.number}/{action}"
        assert (
            client.post(url, json.dumps(body), content_type="application/json").status_code == 401
        )


def test_operator_of_another_region_gets_404_for_everything(client, submit, other_operator):
    complaint, _token = submit()
    token = api_token(client, other_operator.user)
    assert client.get(BASE, **_auth(token)).status_code == 404
    assert client.get(f"{BASE}/{complaint.number}", **_auth(token)).status_code == 404
    for action, body in ACTIONS:
        assert _post(client, f"{BASE}/{complaint.number}/{action}", body, token).status_code == 404
    assert Complaint.objects.get(pk=complaint.pk).version == 1


def test_tangerang_operator_cannot_reach_kota_contoh(client, contoh, operator):
    from laksana.complaints.services import submit as submit_service

    theirs = submit_service(
        region=contoh,
        category_code="SAMPAH",
        lat=IN_CONTOH[0],
        lng=IN_CONTOH[1],
        description="Sampah belum diangkut seminggu.",
    )
    token = api_token(client, operator.user)
    url = f"/api/v1/regions/kota-contoh/staff/complaints/{theirs.complaint.number}"
    assert client.get(url, **_auth(token)).status_code == 404
    mine = client.get(f"{BASE}?q={theirs.complaint.number}", **_auth(token)).json()
    assert mine["items"] == []


def test_operator_moves_a_complaint_and_agency_finishes_it(client, submit, operator, pupr):
    complaint, citizen_token = submit(category_code="PARKIR-LIAR")
    op, liaison = api_token(client, operator.user), api_token(client, pupr.user)
    url = f"{BASE}/{complaint.number}"
    assert _post(client, f"{url}/verify", {"title": "Parkir liar"}, op).status_code == 200
    disposed = _post(client, f"{url}/dispose", {"agency": "PUPR"}, op)
    assert disposed.json()["agency"] == "PUPR" and disposed.json()["status"] == "dispatched"
    assert _post(client, f"{url}/accept", {}, liaison).json()["status"] == "in_progress"
    assert (
        _post(client, f"{url}/respond", {"text": "Petugas meluncur."}, liaison).status_code == 200
    )
    resolved = _post(client, f"{url}/resolve", {"response": "Kendaraan diderek."}, liaison)
    assert resolved.json()["status"] == "resolved"
    timeline = resolved.json()["timeline"]
    assert [e["type"] for e in timeline] == [
        "submitted",
        "verified",
        "disposed",
        "accepted",
        "responded",
        "resolved",
    ]
    public = client.get(f"/api/v1/track/{citizen_token}").json()
    assert public["status"] == "resolved" and public["agency"].startswith("Dinas Pekerjaan")


def test_wrong_role_gets_403_and_illegal_step_409(client, submit, operator, pupr):
    complaint, _token = submit()
    liaison = api_token(client, pupr.user)
    op = api_token(client, operator.user)
    url = f"{BASE}/{complaint.number}"
    # The complaint is not PUPR's yet: to the agency it does not exist.
    assert _post(client, f"{url}/verify", {}, liaison).status_code == 404
    assert _post(client, f"{url}/accept", {}, op).status_code == 403
    illegal = _post(client, f"{url}/resolve", {"response": "x"}, op)
    assert illegal.status_code in (403, 409)
    close = _post(client, f"{url}/close", {}, op)
    assert close.status_code == 409 and close.json()["code"] == "invalid_transition"


def test_stale_version_gets_409_and_nothing_is_lost(client, submit, operator):
    complaint, _token = submit()
    op = api_token(client, operator.user)
    url = f"{BASE}/{complaint.number}"
    seen = client.get(url, **_auth(op)).json()["version"]
    assert (
        _post(client, f"{url}/verify", {"title": "Judul A", "version": seen}, op).status_code == 200
    )
    stale = _post(client, f"{url}/reject", {"reason": "Spam", "version": seen}, op)
    assert stale.status_code == 409 and stale.json()["code"] == "stale"
    fresh = Complaint.objects.get(pk=complaint.pk)
    assert fresh.status == "verified" and fresh.title == "Judul A"


def test_list_filters_and_keyset_pages_cover_everything_once(client, submit, operator):
    numbers = {submit()[0].number for _ in range(7)}
    numbers |= {
        submit(category_code="SAMPAH", description="Sampah menumpuk di pasar.")[0].number
        for _ in range(3)
    }
    op = api_token(client, operator.user)
    seen, cursor = [], None
    while True:
        url = f"{BASE}?limit=3" + (f"&cursor={cursor}" if cursor else "")
        page = client.get(url, **_auth(op)).json()
        seen += [row["number"] for row in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert sorted(seen) == sorted(numbers) and len(seen) == len(set(seen))
    sampah = client.get(f"{BASE}?category=SAMPAH", **_auth(op)).json()["items"]
    assert len(sampah) == 3
    by_area = client.get(f"{BASE}?area=36.71.01", **_auth(op)).json()["items"]
    assert len(by_area) == 10
    text = client.get(f"{BASE}?q=berlubang", **_auth(op)).json()["items"]
    assert len(text) == 7
    bad = client.get(f"{BASE}?status=hilang", **_auth(op))
    assert bad.status_code == 422
    assert client.get(f"{BASE}?cursor=@@@", **_auth(op)).status_code == 422


def test_agency_sees_only_its_own_complaints(client, submit, operator, pupr):
    mine, _t = submit()
    submit()
    services.dispose(staff=operator, complaint=services.verify(staff=operator, complaint=mine))
    liaison = api_token(client, pupr.user)
    rows = client.get(BASE, **_auth(liaison)).json()["items"]
    assert [r["number"] for r in rows] == [mine.number]


def test_tokens_are_stored_hashed_and_can_be_revoked(client, operator):
    from laksana.accounts.services import revoke_token

    key = api_token(client, operator.user)
    stored = ApiToken.objects.get(user=operator.user)
    assert key not in (stored.key_hash, stored.prefix) and key.startswith(stored.prefix)
    assert client.get("/api/v1/me", **_auth(key)).json()["memberships"][0]["role"] == "operator"
    listed = client.get("/api/v1/auth/tokens", **_auth(key)).json()
    assert [t["prefix"] for t in listed] == [stored.prefix] and "key" not in listed[0]
    assert client.delete(f"/api/v1/auth/tokens/{stored.id}", **_auth(key)).status_code == 204
    assert client.get("/api/v1/me", **_auth(key)).status_code == 401
    with pytest.raises(NotFound):  # revoking twice
        revoke_token(user=operator.user, token_id=stored.id)


def test_bad_password_gets_401(client, operator):
    response = client.post(
        "/api/v1/auth/token",
        data=json.dumps({"username": operator.user.username, "password": "salah"}),
        content_type="application/json",
    )
    assert response.status_code == 401 and response.json()["code"] == "bad_credentials"


def test_session_login_works_for_staff_api(client, operator):
    client.login(username=operator.user.username, password=PASSWORD)
    assert client.get(BASE).status_code == 200


def test_viewer_reads_without_personal_data_and_cannot_act(client, submit, tangerang):
    complaint, _t = submit()
    viewer = person("pimpinan-uji", tangerang, "viewer")
    token = api_token(client, viewer)
    detail = client.get(f"{BASE}/{complaint.number}", **_auth(token)).json()
    assert detail["reporter"] is None
    assert _post(client, f"{BASE}/{complaint.number}/verify", {}, token).status_code == 403
    assert Event.objects.filter(complaint=complaint).count() == 1


def test_reporter_search_through_the_api_is_audited_and_only_for_contact_roles(
    client, submit, operator, pupr, other_operator, tangerang
):
    siti, _t = submit(reporter_name="Siti Aminah", phone="0812 3456 7890")
    budi, _t = submit(reporter_name="Budi Santoso", phone="085711112222")
    op = api_token(client, operator.user)

    def found(token, query):
        response = client.get(BASE, {"reporter": query}, **_auth(token))
        return response.status_code, [r["number"] for r in response.json().get("items", [])]

    assert found(op, "siti amin") == (200, [siti.number])
    assert found(op, "+62 812-3456-7890") == (200, [siti.number])
    logged = Event.objects.filter(type="viewed").order_by("id")
    assert [(e.complaint, e.actor, e.is_public) for e in logged] == [
        (siti, operator.user, False),
        (siti, operator.user, False),
    ]
    assert logged[0].data == {"via": "api_search", "fields": [], "query": "siti amin"}
    assert client.get(BASE, {"q": "berlubang"}, **_auth(op)).status_code == 200  # no log
    assert logged.count() == 2
    assert found(op, "s")[0] == 422  # too short to be a name: a probe, not a search

    viewer = api_token(client, person("pimpinan-cari", tangerang, "viewer"))
    assert found(viewer, "Siti")[0] == 403
    # The agency finds only what was disposed to it; another region's operator nothing at all.
    assert found(api_token(client, pupr.user), "Budi") == (200, [])
    services.dispose(staff=operator, complaint=services.verify(staff=operator, complaint=budi))
    assert found(api_token(client, pupr.user), "Budi") == (200, [budi.number])
    outsider = api_token(client, other_operator.user)
    assert found(outsider, "Siti")[0] == 404
    assert Event.objects.filter(type="viewed").count() == 3
