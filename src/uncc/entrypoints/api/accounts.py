"""The API for accounts: log-in, users and their lifecycle, role grants, the second factor."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, FastAPI, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from uncc.domain.policy import Role
from uncc.entrypoints.api.auth import User
from uncc.services import accounts, identity, second_factor
from uncc.services.accounts import Account, Grant
from uncc.services.context import NodeContext


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LoginIn(_In):
    """Credentials; ``code`` is the TOTP code when the user enrolled one."""

    user: str = Field(max_length=200)
    password: str = Field(max_length=4096)
    code: str | None = Field(default=None, max_length=12)


class UserIn(_In):
    """A new user: judge and admin among the roles become grants for a second admin."""

    user: str
    roles: list[Role] = Field(min_length=1)
    password: str


class RolesIn(_In):
    """Exactly the roles the user is to have."""

    roles: list[Role] = Field(min_length=1)


class PasswordIn(_In):
    """A new password; ``current`` is required when changing one's own."""

    password: str
    current: str | None = None


class CodeIn(_In):
    """A code from the authenticator app."""

    code: str = Field(min_length=6, max_length=12)


def _account(a: Account) -> dict[str, Any]:
    return {
        "user": a.user,
        "roles": list(a.roles),
        "active": a.active,
        "second_factor": a.second_factor,
        "created_at": a.created_at.isoformat(),
        "awaiting": list(a.pending),
    }


def _grant(g: Grant) -> dict[str, Any]:
    return {
        "id": g.id,
        "user": g.user,
        "role": g.role,
        "status": g.status,
        "requested_by": g.requested_by,
        "requested_at": g.requested_at.isoformat(),
        "decided_by": g.decided_by,
        "decided_at": g.decided_at.isoformat() if g.decided_at else None,
    }


def install(app: FastAPI, ctx: NodeContext) -> None:
    """Add the accounts endpoints to the node's API."""
    api = APIRouter(prefix="/api/v1")

    @api.post("/login")
    def login(body: LoginIn, request: Request) -> dict[str, str]:
        """Exchange a password (and TOTP code) for a bearer token; throttled (429)."""
        address = request.client.host if request.client else None
        token = identity.login(ctx, body.user, body.password, code=body.code, address=address)
        return {"token": token}

    @api.get("/users")
    def users(user: User) -> list[dict[str, Any]]:
        """Every user with roles, state and roles awaiting approval (admins)."""
        return [_account(a) for a in accounts.list_users(ctx, user)]

    @api.post("/users", status_code=201)
    def add(body: UserIn, user: User) -> dict[str, Any]:
        """Add a user; judge and admin roles are returned as pending grants."""
        grants = accounts.add_user(ctx, user, body.user, set(body.roles), body.password)
        return {"user": body.user, "grants": [_grant(g) for g in grants]}

    @api.post("/users/{name}/disable")
    def disable(name: str, user: User) -> dict[str, Any]:
        """Disable a user; their tokens are revoked at once."""
        accounts.set_active(ctx, user, name, active=False)
        return {"user": name, "active": False}

    @api.post("/users/{name}/enable")
    def enable(name: str, user: User) -> dict[str, Any]:
        """Enable a user again."""
        accounts.set_active(ctx, user, name, active=True)
        return {"user": name, "active": True}

    @api.put("/users/{name}/roles")
    def roles(name: str, body: RolesIn, user: User) -> dict[str, Any]:
        """Set a user's roles (tokens revoked); judge and admin become pending grants."""
        grants = accounts.set_roles(ctx, user, name, set(body.roles))
        return {"user": name, "grants": [_grant(g) for g in grants]}

    @api.post("/users/{name}/password")
    def password(name: str, body: PasswordIn, user: User) -> dict[str, Any]:
        """Change one's password (with the current one) or, as an admin, anyone's.

        A judge's or admin's roles set aside by another's reset come back as pending grants.
        """
        grants = accounts.change_password(ctx, user, name, body.password, body.current)
        return {"user": name, "changed": True, "grants": [_grant(g) for g in grants]}

    @api.post("/users/{name}/revoke-tokens")
    def revoke(name: str, user: User) -> dict[str, Any]:
        """End every session of a user (one's own, or anyone's as an admin)."""
        return {"user": name, "ended": accounts.revoke_tokens(ctx, user, name)}

    @api.delete("/users/{name}/totp")
    def totp_reset(name: str, user: User) -> dict[str, Any]:
        """Remove a user's second factor (admins, not their own)."""
        second_factor.reset(ctx, user, name)
        return {"user": name, "second_factor": False}

    @api.get("/grants")
    def grants(
        user: User, every: Annotated[bool, Query(alias="all")] = False
    ) -> list[dict[str, Any]]:
        """Grants of the judge and admin roles: pending ones, or all."""
        return [_grant(g) for g in accounts.list_grants(ctx, user, pending_only=not every)]

    @api.post("/grants/{grant_id}/approve")
    def approve(grant_id: str, user: User) -> dict[str, Any]:
        """Approve a grant another admin requested (never one's own, nor for oneself)."""
        return _grant(accounts.decide_grant(ctx, user, grant_id, approve=True))

    @api.post("/grants/{grant_id}/refuse")
    def refuse(grant_id: str, user: User) -> dict[str, Any]:
        """Refuse or withdraw a pending grant."""
        return _grant(accounts.decide_grant(ctx, user, grant_id, approve=False))

    @api.post("/me/totp", status_code=201)
    def totp_enrol(user: User) -> dict[str, str]:
        """Start one's TOTP enrolment: the otpauth URI for an authenticator app."""
        with ctx.engine.connect() as conn:
            node = identity.node_info(conn)
        return {"uri": second_factor.enrol(ctx, user, f"uncc {node.state} {node.name}")}

    @api.post("/me/totp/confirm")
    def totp_confirm(body: CodeIn, user: User) -> dict[str, bool]:
        """Finish enrolment with the app's current code."""
        second_factor.confirm(ctx, user, body.code)
        return {"second_factor": True}

    app.include_router(api)
