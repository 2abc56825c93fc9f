"""Sign-in for machines: exchange a username and password for a personal API token."""

from ninja import Router, Schema

from laksana.agencies.models import Membership
from laksana.common.auth import STAFF_AUTH
from laksana.complaints.schemas import ErrorOut

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
    response={201: TokenOut, 401: ErrorOut, 429: ErrorOut},
    summary="Create a personal API token (locked after 5 failures in 15 minutes)",
)
def create_token(request, payload: TokenIn):
    ip = lockout.client_ip(request)
    lockout.check(username=payload.username, ip=ip)  # the same lockout as the sign-in page
    # A failure is recorded by the lockout's user_login_failed receiver (accounts.lockout).
    token, key = services.token_for_password(
        request=request, username=payload.username, password=payload.password, name=payload.name
    )
    # A token exchange sends no user_logged_in signal: clear the failures here.
    lockout.record_success(username=payload.username, ip=ip)
    return 201, {"token": key, "name": token.name}


class TokenRow(Schema):
    id: int
    name: str
    prefix: str
    created_at: str
    last_used_at: str | None


@router.get(
    "/auth/tokens",
    response=list[TokenRow],
    auth=STAFF_AUTH,
    summary="My personal API tokens (never the secret itself)",
)
def list_tokens(request):
    return [
        {
            "id": t.id,
            "name": t.name,
            "prefix": t.prefix,
            "created_at": t.created_at.isoformat(),
            "last_used_at": t.last_used_at.isoformat() if t.last_used_at else None,
        }
        for t in request.auth.api_tokens.filter(revoked_at__isnull=True).order_by("-id")
    ]


@router.delete(
    "/auth/tokens/{token_id}",
    response={204: None},
    auth=STAFF_AUTH,
    summary="Revoke one of my tokens",
)
def revoke_token(request, token_id: int):
    services.revoke_token(user=request.auth, token_id=token_id)
    return 204, None


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
