"""Dual control: no administrator alone makes a judge or an administrator (after the bootstrap)."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from sqlalchemy import update

from tests.security.accounts_kit import ADAM, ADMIN, PASSWORD, Site, site
from uncc.adapters.db import schema
from uncc.domain.policy import Action, Role, require
from uncc.errors import ConflictError, PermissionDeniedError
from uncc.services import accounts, identity, orders
from uncc.services.context import Principal

__all__ = ["site"]


def test_a_requested_judge_is_no_judge_until_another_admin_approves(site: Site) -> None:
    [grant] = accounts.add_user(site.ctx, ADMIN, "mallory", {Role.JUDGE}, PASSWORD)
    assert grant.status == "pending"
    assert site.user("mallory")["roles"] == []
    who = identity.authenticate(site.ctx, identity.login(site.ctx, "mallory", PASSWORD))
    with pytest.raises(PermissionDeniedError):
        require(who.roles, Action.ORDER_AUTHORISE)
    texts = [t for _, t in orders.notices(site.ctx, ADAM)]
    assert any(grant.id in t and "mallory" in t for t in texts)  # the other admin is told
    approved = accounts.decide_grant(site.ctx, ADAM, grant.id, approve=True)
    assert approved.status == "approved"
    assert site.user("mallory")["roles"] == ["judge"]
    outcomes = [(e["action"], e["outcome"]) for e in site.audit("user.grant_decide")]
    assert ("user.grant_decide", "approved") in outcomes


def test_an_admin_cannot_approve_their_own_request(site: Site) -> None:
    [grant] = accounts.add_user(site.ctx, ADMIN, "mallory", {Role.JUDGE}, PASSWORD)
    with pytest.raises(PermissionDeniedError, match="another administrator must approve"):
        accounts.decide_grant(site.ctx, ADMIN, grant.id, approve=True)
    assert site.user("mallory")["roles"] == []
    [still] = accounts.list_grants(site.ctx, ADAM)
    assert still.status == "pending"


def test_an_admin_cannot_grant_themselves_a_role(site: Site) -> None:
    grants = site.rows(schema.role_grants)
    with pytest.raises(PermissionDeniedError, match="cannot grant themselves"):
        accounts.set_roles(site.ctx, ADMIN, "admin", {Role.ADMIN, Role.JUDGE})
    assert site.user("admin")["roles"] == ["admin"]
    assert site.rows(schema.role_grants) == grants
    # nor approve a grant another admin asked for them
    [grant] = accounts.set_roles(site.ctx, ADAM, "admin", {Role.ADMIN, Role.JUDGE})
    with pytest.raises(PermissionDeniedError, match="gives you a role"):
        accounts.decide_grant(site.ctx, ADMIN, grant.id, approve=True)
    assert site.user("admin")["roles"] == ["admin"]


def test_a_new_admin_needs_approval_after_the_bootstrap(site: Site) -> None:
    [grant] = accounts.add_user(site.ctx, ADMIN, "mallory", {Role.ADMIN}, PASSWORD)
    assert grant.status == "pending"
    assert site.user("mallory")["roles"] == []
    accounts.decide_grant(site.ctx, ADAM, grant.id, approve=False)
    assert site.user("mallory")["roles"] == []
    with pytest.raises(ConflictError, match="already refused"):
        accounts.decide_grant(site.ctx, ADAM, grant.id, approve=True)
    assert site.user("mallory")["roles"] == []


def test_the_bootstrap_window_closes_and_does_not_reopen(site: Site) -> None:
    [boot] = [
        g for g in accounts.list_grants(site.ctx, ADMIN, pending_only=False) if g.user == "adam"
    ]
    assert boot.status == "bootstrap"
    assert next(e["outcome"] for e in site.audit("user.grant_request")) == "bootstrap"
    with pytest.raises(ConflictError, match="at least two"):
        accounts.set_roles(site.ctx, ADMIN, "adam", {Role.AUDITOR})
    with site.ctx.engine.begin() as conn:  # adam is gone all the same (left, lost access)…
        conn.execute(update(schema.users).where(schema.users.c.id == "adam").values(active=False))
    [again] = accounts.add_user(site.ctx, ADMIN, "eve", {Role.ADMIN}, PASSWORD)
    assert again.status == "pending"  # …but the window stays shut
    assert site.user("eve")["roles"] == []


def test_approving_a_role_ends_the_users_sessions(site: Site) -> None:
    token = identity.login(site.ctx, "ivan", PASSWORD)
    [grant] = accounts.set_roles(site.ctx, ADMIN, "ivan", {Role.INVESTIGATOR, Role.JUDGE})
    identity.authenticate(site.ctx, token)  # a request alone changes nothing
    accounts.decide_grant(site.ctx, ADAM, grant.id, approve=True)
    with pytest.raises(PermissionDeniedError):
        identity.authenticate(site.ctx, token)
    fresh = identity.login(site.ctx, "ivan", PASSWORD)
    assert identity.authenticate(site.ctx, fresh).roles == frozenset(
        {Role.INVESTIGATOR, Role.JUDGE}
    )


def test_non_admins_cannot_decide_grants(site: Site) -> None:
    [grant] = accounts.add_user(site.ctx, ADMIN, "mallory", {Role.JUDGE}, PASSWORD)
    jane = Principal("jane", frozenset({Role.JUDGE}))
    with pytest.raises(PermissionDeniedError):
        accounts.decide_grant(site.ctx, jane, grant.id, approve=True)
    assert site.user("mallory")["roles"] == []


def test_setting_a_judges_password_suspends_the_role_until_another_admin_approves(
    site: Site,
) -> None:
    # else an admin could set a judge's password and authorise orders as the judge
    [grant] = accounts.change_password(site.ctx, ADMIN, "jane", "lantern orbit velvet 42")
    assert site.user("jane")["roles"] == []
    token = identity.login(site.ctx, "jane", "lantern orbit velvet 42")
    with pytest.raises(PermissionDeniedError):
        require(identity.authenticate(site.ctx, token).roles, Action.ORDER_AUTHORISE)
    with pytest.raises(PermissionDeniedError):
        accounts.decide_grant(site.ctx, ADMIN, grant.id, approve=True)
    accounts.decide_grant(site.ctx, ADAM, grant.id, approve=True)
    assert site.user("jane")["roles"] == ["judge"]
    [entry] = site.audit("user.password")
    assert entry["details"]["suspended"] == ["judge"]


def test_an_admins_password_is_not_set_by_the_only_other_admin(site: Site) -> None:
    before = site.user("adam")["password_hash"]
    with pytest.raises(ConflictError, match="at least two"):
        accounts.change_password(site.ctx, ADMIN, "adam", "lantern orbit velvet 42")
    assert site.user("adam")["password_hash"] == before
    assert site.user("adam")["roles"] == ["admin"]


def test_two_admins_disabling_at_once_still_leave_two(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    [grant] = accounts.add_user(site.ctx, ADMIN, "eve", {Role.ADMIN}, PASSWORD)
    accounts.decide_grant(site.ctx, ADAM, grant.id, approve=True)
    counted = accounts.admins

    def slow(conn: Any, *, lock: bool = False) -> list[str]:
        found = counted(conn, lock=lock)
        time.sleep(0.3)  # widen the window between counting and writing
        return found

    monkeypatch.setattr(accounts, "admins", slow)
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def disable(who: Principal, user: str) -> None:
        start.wait()
        try:
            accounts.set_active(site.ctx, who, user, active=False)
            outcomes.append("disabled")
        except ConflictError:
            outcomes.append("refused")

    threads = [
        threading.Thread(target=disable, args=(ADMIN, "adam")),
        threading.Thread(target=disable, args=(ADAM, "eve")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["disabled", "refused"]
    active = [u for u in ("admin", "adam", "eve") if site.user(u)["active"]]
    assert len(active) == 2
