"""Attacks on log-in: guessing, spraying, timing. Each is refused and leaves no token."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.security.accounts_kit import ADMIN, PASSWORD, Counter, Site, site
from uncc.adapters.db import schema
from uncc.bootstrap import build
from uncc.entrypoints.api.app import create_app
from uncc.errors import PermissionDeniedError, ThrottledError
from uncc.services import accounts, identity, orders
from uncc.services.context import Principal

__all__ = ["site"]

WRONG = "not the password, really"


def _fail(s: Site, user: str, times: int, address: str | None = None) -> None:
    for _ in range(times):
        with pytest.raises(PermissionDeniedError, match="wrong user name or password"):
            identity.login(s.ctx, user, WRONG, address=address)


def test_guessing_an_account_is_paused_even_for_the_right_password(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    tokens = site.rows(schema.tokens)
    _fail(site, "ivan", 5)
    counter = Counter(monkeypatch)
    with pytest.raises(ThrottledError) as paused:
        identity.login(site.ctx, "ivan", PASSWORD)
    assert paused.value.retry_after == 30
    assert counter.calls == 0  # a paused attempt costs no argon2 work
    assert site.rows(schema.tokens) == tokens  # nothing issued
    site.seconds(31)
    assert identity.login(site.ctx, "ivan", PASSWORD)  # the pause ends; success clears it
    _fail(site, "ivan", 4)  # four more are free again


def test_the_pause_doubles_with_each_further_failure(site: Site) -> None:
    _fail(site, "ivan", 5)
    site.seconds(31)
    _fail(site, "ivan", 1)
    with pytest.raises(ThrottledError) as paused:
        identity.login(site.ctx, "ivan", PASSWORD)
    assert paused.value.retry_after == 60
    site.seconds(61)
    _fail(site, "ivan", 1)
    with pytest.raises(ThrottledError) as again:
        identity.login(site.ctx, "ivan", PASSWORD)
    assert again.value.retry_after == 120


def test_admins_are_told_once_and_the_pause_is_audited(site: Site) -> None:
    _fail(site, "ivan", 5, address="192.0.2.7")
    for _ in range(3):
        with pytest.raises(ThrottledError):
            identity.login(site.ctx, "ivan", WRONG, address="192.0.2.7")
    [entry] = site.audit("user.login_throttled")
    assert entry["object"] == "user:ivan"
    assert entry["details"]["address"] == "192.0.2.7"
    for admin in ("admin", "adam"):
        texts = [t for _, t in orders.notices(site.ctx, Principal(admin, frozenset()))]
        assert any("failed log-ins for account 'ivan'" in t and "192.0.2.7" in t for t in texts)
    assert not orders.notices(site.ctx, Principal("ivan", frozenset()))
    assert len([e for e in site.audit("user.login") if e["outcome"] == "denied"]) == 5


def test_spraying_names_from_one_address_pauses_the_address(site: Site) -> None:
    for n in range(20):
        _fail(site, f"guess{n}", 1, address="198.51.100.9")
    with pytest.raises(ThrottledError):
        identity.login(site.ctx, "ivan", PASSWORD, address="198.51.100.9")
    assert identity.login(site.ctx, "ivan", PASSWORD, address="203.0.113.1")  # others unaffected


def test_the_counters_hold_across_processes(site: Site) -> None:
    other = build(site.settings, clock=site.clock)  # a second process: its own engine
    try:
        _fail(site, "jane", 5)
        with pytest.raises(ThrottledError):
            identity.login(other, "jane", PASSWORD)
    finally:
        other.engine.dispose()


def test_unknown_known_and_disabled_users_cost_the_same_work(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    accounts.set_active(site.ctx, ADMIN, "jane", active=False)
    counter = Counter(monkeypatch)
    work = {
        "unknown": counter.during(lambda: identity.login(site.ctx, "nobody", WRONG)),
        "known, wrong password": counter.during(lambda: identity.login(site.ctx, "ivan", WRONG)),
        "disabled, right password": counter.during(
            lambda: identity.login(site.ctx, "jane", PASSWORD)
        ),
        "known, right password": counter.during(lambda: identity.login(site.ctx, "ivan", PASSWORD)),
    }
    assert set(work.values()) == {1}, work
    messages = set()
    for user, password in (("nobody", WRONG), ("ivan", WRONG), ("jane", PASSWORD)):
        with pytest.raises(PermissionDeniedError) as refused:
            identity.login(site.ctx, user, password)
        messages.add(str(refused.value))
    assert messages == {"wrong user name or password"}


def test_old_failures_are_forgotten_and_their_rows_pruned(site: Site) -> None:
    _fail(site, "guess-a", 3, address="192.0.2.1")
    assert site.rows(schema.login_throttle) == 2
    site.seconds(2 * 3600)
    _fail(site, "guess-b", 1)
    with site.ctx.engine.connect() as conn:
        keys = set(conn.execute(select(schema.login_throttle.c.key)).scalars())
    assert keys == {"user:guess-b"}


def test_the_api_answers_429_with_retry_after_and_the_page_says_why(site: Site) -> None:
    with TestClient(create_app(site.settings, site.ctx)) as client:
        for _ in range(5):
            wrong = client.post("/api/v1/login", json={"user": "ivan", "password": WRONG})
            assert wrong.status_code == 403
        paused = client.post("/api/v1/login", json={"user": "ivan", "password": PASSWORD})
        assert paused.status_code == 429
        assert paused.headers["retry-after"] == "30"
        assert paused.json()["type"].endswith("/throttled")
        page = client.post("/login", data={"user": "ivan", "password": PASSWORD})
        assert page.status_code == 429
        assert "too many failed log-ins: try again in 30 s" in page.text
        assert "uncc_session" not in page.headers.get("set-cookie", "")
