"""The TOTP second factor: sealed at rest, asked at log-in, never accepted twice."""

from __future__ import annotations

import dataclasses
import urllib.parse
from pathlib import Path

import pyotp
import pytest
from fastapi.testclient import TestClient

from tests.security.accounts_kit import ADAM, ADMIN, IVAN, JANE, PASSWORD, Site, site
from uncc.adapters.db import schema
from uncc.bootstrap import build
from uncc.config import Settings
from uncc.domain.policy import Role
from uncc.entrypoints.api.app import create_app
from uncc.errors import (
    ConflictError,
    PermissionDeniedError,
    SecondFactorRequired,
    ThrottledError,
    UserInputError,
)
from uncc.services import cases, identity, second_factor

__all__ = ["site"]


def _enrol(s: Site, who: object = IVAN) -> pyotp.TOTP:
    uri = second_factor.enrol(s.ctx, who, "uncc XA test")  # type: ignore[arg-type]
    secret = urllib.parse.parse_qs(urllib.parse.urlparse(uri).query)["secret"][0]
    totp = pyotp.TOTP(secret)
    second_factor.confirm(s.ctx, who, totp.at(s.clock.now))  # type: ignore[arg-type]
    s.seconds(30)  # the confirming code's step is used up
    return totp


def test_the_secret_is_sealed_at_rest_and_a_wrong_confirmation_enrols_nothing(site: Site) -> None:
    uri = second_factor.enrol(site.ctx, IVAN, "uncc XA test")
    assert uri.startswith("otpauth://totp/")
    secret = urllib.parse.parse_qs(urllib.parse.urlparse(uri).query)["secret"][0]
    stored = bytes(site.user("ivan")["totp_secret"])
    assert secret.encode() not in stored
    right = pyotp.TOTP(secret).at(site.clock.now)
    with pytest.raises(UserInputError, match="does not match"):
        second_factor.confirm(site.ctx, IVAN, f"{(int(right) + 1) % 1_000_000:06d}")
    assert not site.user("ivan")["totp_confirmed"]
    assert identity.login(site.ctx, "ivan", PASSWORD)  # not enrolled: no code asked


def test_a_code_is_asked_and_a_wrong_one_refused_with_nothing_issued(site: Site) -> None:
    totp = _enrol(site)
    tokens = site.rows(schema.tokens)
    with pytest.raises(SecondFactorRequired):
        identity.login(site.ctx, "ivan", PASSWORD)
    wrong = f"{(int(totp.at(site.clock.now)) + 1) % 1_000_000:06d}"
    with pytest.raises(PermissionDeniedError, match="wrong user name or password") as refused:
        identity.login(site.ctx, "ivan", PASSWORD, code=wrong)
    assert not isinstance(refused.value, SecondFactorRequired)
    assert site.rows(schema.tokens) == tokens
    assert identity.login(site.ctx, "ivan", PASSWORD, code=totp.at(site.clock.now))


def test_a_code_cannot_be_replayed(site: Site) -> None:
    totp = _enrol(site)
    code = totp.at(site.clock.now)
    assert identity.login(site.ctx, "ivan", PASSWORD, code=code)
    tokens = site.rows(schema.tokens)
    with pytest.raises(PermissionDeniedError, match="wrong user name or password"):
        identity.login(site.ctx, "ivan", PASSWORD, code=code)  # same step, same code
    site.seconds(30)  # within the drift window the old code is still "valid" by time
    with pytest.raises(PermissionDeniedError):
        identity.login(site.ctx, "ivan", PASSWORD, code=code)
    assert site.rows(schema.tokens) == tokens
    assert identity.login(site.ctx, "ivan", PASSWORD, code=totp.at(site.clock.now))


def test_guessing_codes_is_throttled_like_passwords(site: Site) -> None:
    totp = _enrol(site)
    right = totp.at(site.clock.now)
    for n in range(5):
        guess = f"{(int(right) + 1 + n) % 1_000_000:06d}"
        with pytest.raises(PermissionDeniedError):
            identity.login(site.ctx, "ivan", PASSWORD, code=guess)
    with pytest.raises(ThrottledError):
        identity.login(site.ctx, "ivan", PASSWORD, code=right)


def test_required_roles_act_with_no_role_until_enrolled(site: Site) -> None:
    ctx = dataclasses.replace(site.ctx, totp_roles=frozenset({Role.JUDGE}))
    token = identity.login(ctx, "jane", PASSWORD)
    who = identity.authenticate(ctx, token)
    assert who.needs_second_factor
    assert who.roles == frozenset()
    with pytest.raises(PermissionDeniedError):
        cases.list_cases(ctx, who)
    assert not identity.authenticate(ctx, identity.login(ctx, "ivan", PASSWORD)).needs_second_factor
    uri = second_factor.enrol(ctx, who, "uncc XA test")
    totp = pyotp.TOTP(urllib.parse.parse_qs(urllib.parse.urlparse(uri).query)["secret"][0])
    second_factor.confirm(ctx, who, totp.at(site.clock.now))
    assert identity.authenticate(ctx, token).roles == JANE.roles


def test_re_enrolment_and_self_reset_are_refused_and_an_admin_reset_ends_sessions(
    site: Site,
) -> None:
    _enrol(site)
    with pytest.raises(ConflictError):
        second_factor.enrol(site.ctx, IVAN, "uncc XA test")  # a stolen session cannot swap it
    with pytest.raises(PermissionDeniedError):
        second_factor.reset(site.ctx, IVAN, "ivan")
    _enrol(site, ADAM)
    with pytest.raises(PermissionDeniedError):
        second_factor.reset(site.ctx, ADAM, "adam")
    assert site.user("adam")["totp_confirmed"]
    second_factor.reset(site.ctx, ADMIN, "ivan")
    assert identity.login(site.ctx, "ivan", PASSWORD)  # no code any more
    assert [e["object"] for e in site.audit("user.totp_reset")] == ["ivan"]


def test_api_and_web_ask_for_the_code(site: Site) -> None:
    totp = _enrol(site)
    with TestClient(create_app(site.settings, site.ctx), follow_redirects=False) as client:
        asked = client.post("/api/v1/login", json={"user": "ivan", "password": PASSWORD})
        assert asked.status_code == 401
        assert asked.json()["type"].endswith("/second-factor-required")
        page = client.post("/login", data={"user": "ivan", "password": PASSWORD})
        assert page.status_code == 401
        assert "6-digit code" in page.text
        done = client.post(
            "/login", data={"user": "ivan", "password": PASSWORD, "code": totp.at(site.clock.now)}
        )
        assert done.status_code == 303
        site.seconds(30)
        token = client.post(
            "/api/v1/login",
            json={"user": "ivan", "password": PASSWORD, "code": totp.at(site.clock.now)},
        )
        assert token.status_code == 200


def test_the_web_sends_a_user_who_must_enrol_to_their_account_page_only(site: Site) -> None:
    ctx = dataclasses.replace(site.ctx, totp_roles=frozenset({Role.JUDGE}))
    with TestClient(create_app(site.settings, ctx), follow_redirects=False) as client:
        assert client.post("/login", data={"user": "jane", "password": PASSWORD}).status_code == 303
        for path in ("/dashboard", "/cases", "/audit", "/users"):
            sent = client.get(path)
            assert sent.status_code == 303, path
            assert sent.headers["location"].startswith("/account")
        page = client.get("/account")
        assert page.status_code == 200
        assert "Enrol a second factor" in page.text


def test_the_required_roles_setting_is_read_and_checked(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, totp_roles="judge, admin")
    assert build(settings).totp_roles == frozenset({Role.JUDGE, Role.ADMIN})
    with pytest.raises(UserInputError, match=r"UNCC_TOTP_ROLES: unknown role\(s\) jduge"):
        build(Settings(data_dir=tmp_path, totp_roles="jduge"))
