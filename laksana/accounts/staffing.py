"""Who works in a region: region admins invite people, and give or take away roles.

Invitations carry a secret link (only its hash is stored) that works once and expires; accepting
one creates the account (or uses the signed-in one) and the membership in the same transaction.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from laksana.agencies.models import AGENCY_ROLES, Agency, Membership, Role
from laksana.agencies.services import Staff
from laksana.common import clock
from laksana.common.errors import Conflict, Forbidden, NotFound, ValidationFailed
from laksana.regions.models import Region

from .models import Invitation

INVITATION_DAYS = 7


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _require_admin(admin: Staff) -> None:
    if not admin.has(Role.REGION_ADMIN):
        raise Forbidden(_("Hanya admin wilayah yang dapat mengatur staf."))


def _role_and_agency(region: Region, role: str, agency_id) -> Agency | None:
    if role not in Role.values:
        raise ValidationFailed(_("Peran tidak dikenal."), fields={"role": role})
    if role in AGENCY_ROLES:
        agency = Agency.objects.filter(region=region, pk=agency_id or 0).first()
        if agency is None:
            raise ValidationFailed(_("Peran ini membutuhkan OPD."), fields={"agency": ""})
        return agency
    return None


@dataclass
class Invited:
    invitation: Invitation
    token: str


def invite(
    *, admin: Staff, email: str, role: str, agency_id: int | None = None, name: str = ""
) -> Invited:
    """Create an invitation for one role in the admin's region; the token is returned once."""
    _require_admin(admin)
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except DjangoValidationError:
        raise ValidationFailed(_("Alamat e-mail tidak valid."), fields={"email": email}) from None
    agency = _role_and_agency(admin.region, role, agency_id)
    token = secrets.token_urlsafe(24)
    now = clock.now()
    invitation = Invitation.objects.create(
        region=admin.region,
        email=email,
        name=(name or "").strip()[:150],
        role=role,
        agency=agency,
        token_hash=_hash(token),
        invited_by=admin.user,
        created_at=now,
        expires_at=now + timedelta(days=INVITATION_DAYS),
    )
    return Invited(invitation, token)


SYSTEM_USERNAME = "laksana-platform"


def open_admin_invitations(region: Region) -> list[Invitation]:
    return list(
        Invitation.objects.filter(
            region=region,
            role=Role.REGION_ADMIN,
            accepted_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=clock.now(),
        ).order_by("-expires_at")
    )


def invite_first_admin(*, region: Region, email: str = "", replace: bool = False) -> Invited:
    """The invitation for a newly adopted region's admin, sent by the platform (the command
    line has no signed-in admin): an account that cannot sign in stands as its sender. With
    `replace`, the region's open admin invitations are revoked first. The e-mail may be left
    empty: the link is the invitation, whoever it is handed to."""
    email = (email or "").strip().lower()
    if email:
        try:
            validate_email(email)
        except DjangoValidationError:
            raise ValidationFailed(
                _("Alamat e-mail tidak valid."), fields={"email": email}
            ) from None
    sender, created = User.objects.get_or_create(
        username=SYSTEM_USERNAME, defaults={"is_active": False, "first_name": "Laksana"}
    )
    if created:
        sender.set_unusable_password()
        sender.save(update_fields=["password"])
    now = clock.now()
    if replace:
        Invitation.objects.filter(
            region=region, role=Role.REGION_ADMIN, accepted_at__isnull=True, revoked_at__isnull=True
        ).update(revoked_at=now)
    token = secrets.token_urlsafe(24)
    invitation = Invitation.objects.create(
        region=region,
        email=email,
        role=Role.REGION_ADMIN,
        token_hash=_hash(token),
        invited_by=sender,
        created_at=now,
        expires_at=now + timedelta(days=INVITATION_DAYS),
    )
    return Invited(invitation, token)


def open_invitation(token: str) -> Invitation:
    """The invitation behind a link, if it can still be accepted."""
    invitation = (
        Invitation.objects.select_related("region", "agency")
        .filter(token_hash=_hash(token or ""), accepted_at__isnull=True, revoked_at__isnull=True)
        .first()
    )
    if invitation is None or invitation.expires_at < clock.now():
        raise NotFound(_("Undangan tidak ditemukan, sudah dipakai, atau sudah kedaluwarsa."))
    return invitation


def revoke_invitation(*, admin: Staff, invitation_id: int) -> None:
    _require_admin(admin)
    updated = Invitation.objects.filter(
        pk=invitation_id, region=admin.region, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=clock.now())
    if not updated:
        raise NotFound(_("Undangan tidak ditemukan."))


def accept_invitation(
    *,
    token: str,
    user: User | None = None,
    username: str = "",
    password: str = "",
    full_name: str = "",
) -> User:
    """Accept an invitation: as the signed-in user, or by creating a new account."""
    with transaction.atomic():
        invitation = open_invitation(token)
        # Claim the invitation first: two clicks on the same link must not both succeed.
        claimed = Invitation.objects.filter(pk=invitation.pk, accepted_at__isnull=True).update(
            accepted_at=clock.now()
        )
        if claimed != 1:
            raise Conflict(_("Undangan ini sudah dipakai."))
        if user is None or not user.is_authenticated:
            user = _new_account(
                username=username,
                password=password,
                full_name=full_name or invitation.name,
                email=invitation.email,
            )
        Membership.objects.get_or_create(
            user=user, region=invitation.region, role=invitation.role, agency=invitation.agency
        )
        Invitation.objects.filter(pk=invitation.pk).update(accepted_by=user)
        return user


def _new_account(*, username: str, password: str, full_name: str, email: str) -> User:
    username = (username or "").strip()
    errors = {}
    if not username:
        errors["username"] = _("Wajib diisi.")
    elif User.objects.filter(username__iexact=username).exists():
        errors["username"] = _("Nama pengguna ini sudah dipakai.")
    try:
        validate_password(password or "")
    except DjangoValidationError as exc:
        errors["password"] = " ".join(exc.messages)
    if errors:
        raise ValidationFailed(_("Periksa kembali isian akun."), fields=errors)
    first, _sep, last = (full_name or "").strip().partition(" ")
    try:
        with transaction.atomic():
            return User.objects.create_user(
                username=username,
                password=password,
                email=email,
                first_name=first[:150],
                last_name=last[:150],
            )
    except IntegrityError:
        raise ValidationFailed(
            _("Periksa kembali isian akun."),
            fields={"username": _("Nama pengguna ini sudah dipakai.")},
        ) from None


def grant_role(*, admin: Staff, user_id: int, role: str, agency_id: int | None = None) -> None:
    """Give a staff member of the region another role."""
    _require_admin(admin)
    agency = _role_and_agency(admin.region, role, agency_id)
    user = _member(admin.region, user_id)
    Membership.objects.get_or_create(user=user, region=admin.region, role=role, agency=agency)


def revoke_role(*, admin: Staff, membership_id: int) -> None:
    """Take one role away. An admin cannot remove their own admin role (someone must remain)."""
    _require_admin(admin)
    with transaction.atomic():
        membership = Membership.objects.filter(pk=membership_id, region=admin.region).first()
        if membership is None:
            raise NotFound(_("Peran tidak ditemukan."))
        if membership.user_id == admin.user.pk and membership.role == Role.REGION_ADMIN:
            raise ValidationFailed(
                _("Anda tidak dapat mencabut peran admin wilayah Anda sendiri."),
                fields={"role": ""},
            )
        membership.delete()


def _member(region: Region, user_id: int) -> User:
    user = User.objects.filter(pk=user_id, memberships__region=region).distinct().first()
    if user is None:
        raise NotFound(_("Staf tidak ditemukan."))
    return user


def members(region: Region) -> list[tuple[User, list[Membership]]]:
    """Every person with a role in the region, with their roles, by name."""
    people: dict[int, tuple[User, list[Membership]]] = {}
    rows = (
        Membership.objects.filter(region=region)
        .select_related("user", "agency")
        .order_by("user__first_name", "user__username", "role")
    )
    for membership in rows:
        people.setdefault(membership.user_id, (membership.user, []))[1].append(membership)
    return list(people.values())
