"""Sign-in for machines: exchange a username and password for a personal API token."""

from ninja import Router, Schema

from laksana.agencies.models import Membership
from laksana.common.auth import STAFF_AUTH

from . import lockout, services

router = Router(tags=["accounts"])


class TokenIn(Schema):
    username: str
    password: str
    name: str = "api"


class TokenOut(Schema):
    token: str
    name: str


class MembershipOut(Schema):
    region: str
    role: str
    agency: str | None


class MeOut(Schema):
    username: str
    name: str
    memberships: list[MembershipOut]


@router.post(
    "/auth/token",
    response={201: TokenOut},
    summary="Create a personal API token (locked after 5 failures in 15 minutes)",
)
def create_token(request, payload: TokenIn):
    ip = lockout.client_ip(request)
    lockout.check(username=payload.username, ip=ip)  # the same lockout as the sign-in page
    try:
        token, key = services.token_for_password(
            username=payload.username, password=payload.password, name=payload.name
        )
    except services.BadCredentials:
        lockout.record_failure(username=payload.username, ip=ip)
        raise
    lockout.record_success(username=payload.username, ip=ip)
    return 201, {"token": key, "name": token.name}


@router.get("/me", response=MeOut, auth=STAFF_AUTH, summary="Who am I, and my roles")
def me(request):
    user = request.auth
    memberships = Membership.objects.filter(user=user).select_related("region", "agency")
    return {
        "username": user.get_username(),
        "name": user.get_full_name(),
        "memberships": [
            {"region": m.region.slug, "role": m.role, "agency": m.agency.code if m.agency else None}
            for m in memberships
        ],
    }
