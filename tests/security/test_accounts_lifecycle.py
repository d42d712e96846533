"""Account lifecycle: disabled users, changed roles and passwords lose their sessions at once;
web sessions end when idle; only admins manage others, and nothing changes when refused."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from tests.security.accounts_kit import ADAM, ADMIN, IVAN, JANE, PASSWORD, Site, site
from tests.service.test_web import Labels
from uncc.adapters.db import schema
from uncc.domain.policy import Role
from uncc.entrypoints.api.app import create_app
from uncc.errors import ConflictError, PermissionDeniedError, ThrottledError
from uncc.services import accounts, identity

__all__ = ["site"]


def _refused(s: Site, token: str) -> None:
    with pytest.raises(PermissionDeniedError):
        identity.authenticate(s.ctx, token)


def test_a_disabled_user_loses_every_token_at_once_and_cannot_log_in(site: Site) -> None:
    tokens = [identity.login(site.ctx, "ivan", PASSWORD) for _ in range(2)]
    accounts.set_active(site.ctx, ADMIN, "ivan", active=False)
    for token in tokens:
        _refused(site, token)
    with pytest.raises(PermissionDeniedError, match="wrong user name or password"):
        identity.login(site.ctx, "ivan", PASSWORD)
    assert [e["details"]["sessions_ended"] for e in site.audit("user.disable")] == [2]
    accounts.set_active(site.ctx, ADMIN, "ivan", active=True)
    assert identity.login(site.ctx, "ivan", PASSWORD)


def test_changing_roles_revokes_tokens_and_takes_effect_at_once(site: Site) -> None:
    token = identity.login(site.ctx, "ivan", PASSWORD)
    accounts.set_roles(site.ctx, ADMIN, "ivan", {Role.AUDITOR})
    _refused(site, token)
    fresh = identity.login(site.ctx, "ivan", PASSWORD)
    assert identity.authenticate(site.ctx, fresh).roles == frozenset({Role.AUDITOR})
    [entry] = site.audit("user.roles")
    assert entry["details"]["before"] == ["investigator"]
    assert entry["details"]["after"] == ["auditor"]


def test_a_password_change_ends_sessions_and_needs_the_current_password(site: Site) -> None:
    token = identity.login(site.ctx, "ivan", PASSWORD)
    before = site.user("ivan")["password_hash"]
    with pytest.raises(PermissionDeniedError, match="current password"):
        accounts.change_password(
            site.ctx, IVAN, "ivan", "lantern orbit velvet 42", "guess guess guess"
        )
    assert site.user("ivan")["password_hash"] == before
    identity.authenticate(site.ctx, token)  # a refused change ends nothing
    accounts.change_password(site.ctx, IVAN, "ivan", "lantern orbit velvet 42", PASSWORD)
    _refused(site, token)
    assert identity.login(site.ctx, "ivan", "lantern orbit velvet 42")


def test_a_stolen_session_cannot_guess_the_current_password_unthrottled(site: Site) -> None:
    before = site.user("ivan")["password_hash"]
    for n in range(5):
        with pytest.raises(PermissionDeniedError, match="current password"):
            accounts.change_password(
                site.ctx, IVAN, "ivan", "lantern orbit velvet 42", f"guess {n}"
            )
    with pytest.raises(ThrottledError):
        accounts.change_password(site.ctx, IVAN, "ivan", "lantern orbit velvet 42", PASSWORD)
    assert site.user("ivan")["password_hash"] == before


def test_revoking_tokens_ends_every_session_of_the_user_only(site: Site) -> None:
    mine, theirs = (
        identity.login(site.ctx, "ivan", PASSWORD),
        identity.login(site.ctx, "jane", PASSWORD),
    )
    assert accounts.revoke_tokens(site.ctx, ADMIN, "ivan") == 1
    _refused(site, mine)
    identity.authenticate(site.ctx, theirs)


def test_non_admins_manage_nobody_else_and_nothing_changes(site: Site) -> None:
    jane = site.user("jane")
    for attempt in (
        lambda: accounts.list_users(site.ctx, IVAN),
        lambda: accounts.set_active(site.ctx, IVAN, "jane", active=False),
        lambda: accounts.set_roles(site.ctx, IVAN, "jane", {Role.AUDITOR}),
        lambda: accounts.change_password(site.ctx, IVAN, "jane", "lantern orbit velvet 42"),
        lambda: accounts.revoke_tokens(site.ctx, IVAN, "jane"),
        lambda: accounts.set_roles(site.ctx, IVAN, "ivan", {Role.INVESTIGATOR, Role.PROSECUTOR}),
    ):
        with pytest.raises(PermissionDeniedError):
            attempt()
    assert site.user("jane") == jane
    assert site.user("ivan")["roles"] == ["investigator"]


def test_admins_cannot_disable_themselves_nor_leave_fewer_than_two_admins(site: Site) -> None:
    with pytest.raises(PermissionDeniedError):
        accounts.set_active(site.ctx, ADMIN, "admin", active=False)
    with pytest.raises(ConflictError, match="at least two"):
        accounts.set_active(site.ctx, ADMIN, "adam", active=False)
    with pytest.raises(ConflictError, match="at least two"):
        accounts.set_roles(site.ctx, ADAM, "admin", {Role.AUDITOR})
    assert site.user("adam")["active"]
    assert site.user("admin")["roles"] == ["admin"]


def test_web_sessions_end_when_idle_or_too_old_api_tokens_do_not(site: Site) -> None:
    web = identity.login(site.ctx, "ivan", PASSWORD, web=True)
    api = identity.login(site.ctx, "ivan", PASSWORD)
    site.seconds(20 * 60)
    identity.authenticate(site.ctx, web)  # active: the idle clock restarts
    site.seconds(31 * 60)
    _refused(site, web)
    identity.authenticate(site.ctx, api)
    long = identity.login(site.ctx, "ivan", PASSWORD, web=True)
    for _ in range(19):  # busy all along: 7 h 55 min
        site.seconds(25 * 60)
        identity.authenticate(site.ctx, long)
    site.seconds(25 * 60)  # 8 h 20 min after log-in
    _refused(site, long)


def test_the_users_page_and_api_work_for_admins_only(site: Site) -> None:
    with TestClient(create_app(site.settings, site.ctx), follow_redirects=False) as client:
        ivan = client.post("/api/v1/login", json={"user": "ivan", "password": PASSWORD}).json()
        denied = client.post(
            "/api/v1/users/jane/disable", headers={"Authorization": f"Bearer {ivan['token']}"}
        )
        assert denied.status_code == 403
        assert site.user("jane")["active"]
        admin = client.post("/api/v1/login", json={"user": "admin", "password": PASSWORD}).json()
        auth = {"Authorization": f"Bearer {admin['token']}"}
        listed = client.get("/api/v1/users", headers=auth).json()["items"]
        assert {u["user"] for u in listed} >= {"jane"}
        assert client.post("/api/v1/users/ivan/disable", headers=auth).status_code == 200
        assert (
            client.get(
                "/api/v1/cases", headers={"Authorization": f"Bearer {ivan['token']}"}
            ).status_code
            == 403
        )
        client.post("/login", data={"user": "admin", "password": PASSWORD})
        page = client.get("/users")
        assert page.status_code == 200
        csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', page.text)
        assert csrf
        enabled = client.post("/users/ivan/enable", data={"csrf": csrf.group(1)})
        assert enabled.status_code == 303
        assert site.user("ivan")["active"]
        forged = client.post("/users/jane/disable", data={"csrf": "0" * 64})
        assert forged.status_code == 403
        assert site.user("jane")["active"]
        account = client.get("/account")
        assert account.status_code == 200
        for html in (page.text, account.text):  # every control labelled
            labels = Labels()
            labels.feed(html)
            assert labels.missing() == []
        assert site.rows(schema.role_grants) == 2  # adam (bootstrap) and jane
        assert JANE.user in page.text
