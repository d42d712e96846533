"""``/api/v1``: log-in, users and their lifecycle, role grants, the second factor."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from pydantic import Field

from uncc.domain.policy import Role
from uncc.entrypoints.api.auth import User
from uncc.entrypoints.api.deps import Ctx
from uncc.entrypoints.api.models import In, Out, Stamp, iso, stamp
from uncc.entrypoints.api.paging import Page, Paging, page
from uncc.entrypoints.api.problem_types import problems
from uncc.services import accounts, identity, second_factor
from uncc.services.accounts import Account, Grant

router = APIRouter(prefix="/api/v1", tags=["accounts"], responses=problems())
CHANGES = problems("not-found", "conflict", "bad-request")
"""What a change to an account may answer besides the common problems."""


class LoginIn(In):
    """Credentials; ``code`` is the TOTP code when the user enrolled one."""

    user: str = Field(max_length=200)
    password: str = Field(max_length=4096)
    code: str | None = Field(default=None, max_length=12)


class UserIn(In):
    """A new user: judge and admin among the roles become grants for a second admin."""

    user: str
    roles: list[Role] = Field(min_length=1)
    password: str


class RolesIn(In):
    """Exactly the roles the user is to have."""

    roles: list[Role] = Field(min_length=1)


class PasswordIn(In):
    """A new password; ``current`` is required when changing one's own."""

    password: str
    current: str | None = None


class CodeIn(In):
    """A code from the authenticator app."""

    code: str = Field(min_length=6, max_length=12)


class TokenOut(Out):
    """A bearer token for ``Authorization: Bearer <token>``."""

    token: str


class AccountOut(Out):
    """A user with roles, state and roles awaiting approval."""

    user: str
    roles: list[str]
    active: bool
    second_factor: bool
    created_at: Stamp
    awaiting: list[str]

    @classmethod
    def of(cls, a: Account) -> AccountOut:
        """An account as the API shows it."""
        return cls(
            user=a.user,
            roles=list(a.roles),
            active=a.active,
            second_factor=a.second_factor,
            created_at=iso(a.created_at),
            awaiting=list(a.pending),
        )


class GrantOut(Out):
    """A grant of the judge or admin role, decided by a second admin."""

    id: str
    user: str
    role: str
    status: str
    requested_by: str
    requested_at: Stamp
    decided_by: str | None
    decided_at: Stamp | None

    @classmethod
    def of(cls, g: Grant) -> GrantOut:
        """A grant as the API shows it."""
        return cls(
            id=g.id,
            user=g.user,
            role=g.role,
            status=g.status,
            requested_by=g.requested_by,
            requested_at=iso(g.requested_at),
            decided_by=g.decided_by,
            decided_at=stamp(g.decided_at),
        )


class GrantsOut(Out):
    """A user and the grants a change left pending."""

    user: str
    grants: list[GrantOut]


class PasswordOut(GrantsOut):
    """A password changed, and the grants it left pending."""

    changed: bool


class ActiveOut(Out):
    """A user enabled or disabled."""

    user: str
    active: bool


class EndedOut(Out):
    """How many sessions of a user were ended."""

    user: str
    ended: int


class SecondFactorOut(Out):
    """Whether a user has a second factor now."""

    user: str
    second_factor: bool


class ConfirmedOut(Out):
    """The caller's second factor is in force."""

    second_factor: bool


class EnrolOut(Out):
    """The otpauth URI for an authenticator app."""

    uri: str


@router.post("/login", responses=problems("throttled", "second-factor-required", "bad-request"))
def login(ctx: Ctx, body: LoginIn, request: Request) -> TokenOut:
    """Exchange a password (and TOTP code) for a bearer token; throttled (429)."""
    address = request.client.host if request.client else None
    token = identity.login(ctx, body.user, body.password, code=body.code, address=address)
    return TokenOut(token=token)


@router.get("/users", response_model=Page[AccountOut])
def users(ctx: Ctx, user: User, at: Paging) -> Page[AccountOut]:
    """Every user with roles, state and roles awaiting approval (admins)."""
    return page([AccountOut.of(a) for a in accounts.list_users(ctx, user)], at)


@router.post("/users", status_code=201, responses=CHANGES)
def add(ctx: Ctx, body: UserIn, user: User) -> GrantsOut:
    """Add a user; judge and admin roles are returned as pending grants."""
    grants = accounts.add_user(ctx, user, body.user, set(body.roles), body.password)
    return GrantsOut(user=body.user, grants=[GrantOut.of(g) for g in grants])


@router.post("/users/{name}/disable", responses=CHANGES)
def disable(ctx: Ctx, name: str, user: User) -> ActiveOut:
    """Disable a user; their tokens are revoked at once."""
    accounts.set_active(ctx, user, name, active=False)
    return ActiveOut(user=name, active=False)


@router.post("/users/{name}/enable", responses=CHANGES)
def enable(ctx: Ctx, name: str, user: User) -> ActiveOut:
    """Enable a user again."""
    accounts.set_active(ctx, user, name, active=True)
    return ActiveOut(user=name, active=True)


@router.put("/users/{name}/roles", responses=CHANGES)
def roles(ctx: Ctx, name: str, body: RolesIn, user: User) -> GrantsOut:
    """Set a user's roles (tokens revoked); judge and admin become pending grants."""
    grants = accounts.set_roles(ctx, user, name, set(body.roles))
    return GrantsOut(user=name, grants=[GrantOut.of(g) for g in grants])


@router.post("/users/{name}/password", responses=CHANGES)
def password(ctx: Ctx, name: str, body: PasswordIn, user: User) -> PasswordOut:
    """Change one's password (with the current one) or, as an admin, anyone's.

    A judge's or admin's roles set aside by another's reset come back as pending grants.
    """
    grants = accounts.change_password(ctx, user, name, body.password, body.current)
    return PasswordOut(user=name, changed=True, grants=[GrantOut.of(g) for g in grants])


@router.post("/users/{name}/revoke-tokens", responses=CHANGES)
def revoke(ctx: Ctx, name: str, user: User) -> EndedOut:
    """End every session of a user (one's own, or anyone's as an admin)."""
    return EndedOut(user=name, ended=accounts.revoke_tokens(ctx, user, name))


@router.delete("/users/{name}/totp", responses=CHANGES)
def totp_reset(ctx: Ctx, name: str, user: User) -> SecondFactorOut:
    """Remove a user's second factor (admins, not their own)."""
    second_factor.reset(ctx, user, name)
    return SecondFactorOut(user=name, second_factor=False)


@router.get("/grants", response_model=Page[GrantOut])
def grants(
    ctx: Ctx, user: User, at: Paging, every: Annotated[bool, Query(alias="all")] = False
) -> Page[GrantOut]:
    """Grants of the judge and admin roles: pending ones, or all."""
    found = accounts.list_grants(ctx, user, pending_only=not every)
    return page([GrantOut.of(g) for g in found], at)


@router.post("/grants/{grant_id}/approve", responses=CHANGES)
def approve(ctx: Ctx, grant_id: str, user: User) -> GrantOut:
    """Approve a grant another admin requested (never one's own, nor for oneself)."""
    return GrantOut.of(accounts.decide_grant(ctx, user, grant_id, approve=True))


@router.post("/grants/{grant_id}/refuse", responses=CHANGES)
def refuse(ctx: Ctx, grant_id: str, user: User) -> GrantOut:
    """Refuse or withdraw a pending grant."""
    return GrantOut.of(accounts.decide_grant(ctx, user, grant_id, approve=False))


@router.post("/me/totp", status_code=201, responses=CHANGES)
def totp_enrol(ctx: Ctx, user: User) -> EnrolOut:
    """Start one's TOTP enrolment: the otpauth URI for an authenticator app."""
    with ctx.engine.connect() as conn:
        node = identity.node_info(conn)
    return EnrolOut(uri=second_factor.enrol(ctx, user, f"uncc {node.state} {node.name}"))


@router.post("/me/totp/confirm", responses=CHANGES)
def totp_confirm(ctx: Ctx, body: CodeIn, user: User) -> ConfirmedOut:
    """Finish enrolment with the app's current code."""
    second_factor.confirm(ctx, user, body.code)
    return ConfirmedOut(second_factor=True)
